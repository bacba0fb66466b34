namespace VisPruner.Engine.Generation;

/// <summary>
/// Constrains what the model may generate (ONNX Runtime GenAI's guidance: every token that would leave the constraint
/// is masked out), so the output is guaranteed to match a JSON schema, a regular expression or a Lark grammar.
/// </summary>
/// <param name="Kind">The constraint's language.</param>
/// <param name="Definition">The schema, expression or grammar.</param>
public sealed record OutputConstraint(OutputConstraintKind Kind, string Definition)
{
    /// <summary>Output that is JSON following <paramref name="schema"/> (<c>{}</c> for any JSON value).</summary>
    /// <param name="schema">A JSON schema.</param>
    /// <returns>The constraint.</returns>
    public static OutputConstraint JsonSchema(string schema) => new(OutputConstraintKind.JsonSchema, schema);

    /// <summary>Output that matches <paramref name="pattern"/> as a whole.</summary>
    /// <param name="pattern">A regular expression.</param>
    /// <returns>The constraint.</returns>
    public static OutputConstraint Regex(string pattern) => new(OutputConstraintKind.Regex, pattern);

    /// <summary>Output that the Lark grammar <paramref name="grammar"/> (llguidance's dialect) accepts.</summary>
    /// <param name="grammar">The grammar, starting at the rule <c>start</c>.</param>
    /// <returns>The constraint.</returns>
    public static OutputConstraint LarkGrammar(string grammar) => new(OutputConstraintKind.LarkGrammar, grammar);

    /// <summary>Gets ONNX Runtime GenAI's name for <see cref="Kind"/>.</summary>
    internal string GuidanceType => Kind switch
    {
        OutputConstraintKind.JsonSchema => "json_schema",
        OutputConstraintKind.Regex => "regex",
        OutputConstraintKind.LarkGrammar => "lark_grammar",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown constraint kind."),
    };
}

/// <summary>The language of an <see cref="OutputConstraint"/>.</summary>
public enum OutputConstraintKind
{
    /// <summary>A JSON schema: the output is one JSON value that follows it.</summary>
    JsonSchema,

    /// <summary>A regular expression the whole output matches.</summary>
    Regex,

    /// <summary>A Lark grammar (llguidance's dialect, with <c>%json</c> for embedded schemas).</summary>
    LarkGrammar,
}
