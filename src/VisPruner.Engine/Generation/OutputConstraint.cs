using System.Text.Json.Nodes;

namespace VisPruner.Engine.Generation;

/// <summary>
/// Constrains what the model may generate (ONNX Runtime GenAI's guidance: every token that would leave the constraint
/// is masked out), so the output is guaranteed to match a JSON schema, a regular expression or a Lark grammar.
/// </summary>
/// <param name="Kind">The constraint's language.</param>
/// <param name="Definition">The schema, expression or grammar.</param>
public sealed record OutputConstraint(OutputConstraintKind Kind, string Definition)
{
    /// <summary>
    /// Gets the most tokens an output that follows the constraint can take, when it is bounded: the engine lets such an
    /// output finish, raising <see cref="GenerationOptions.MaxNewTokens"/> to this for the reply, and refuses the request
    /// up front when the model's context cannot hold it. With <see cref="Span"/> set, the bound is per span instead.
    /// </summary>
    public int? MaxTokens { get; init; }

    /// <summary>
    /// Gets the delimiters of the bounded parts of an otherwise free output (tool-call blocks among text): a span open
    /// when <see cref="GenerationOptions.MaxNewTokens"/> is reached is finished, within <see cref="MaxTokens"/> tokens.
    /// </summary>
    public BoundedSpan? Span { get; init; }

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

    /// <summary>
    /// Output that is JSON following <paramref name="schema"/> within <paramref name="limits"/>: the schema is narrowed
    /// where it sets no bound (string lengths, array items, number ranges, extra properties), laid out compactly, and
    /// <see cref="MaxTokens"/> is the longest document it admits, so the reply always finishes.
    /// </summary>
    /// <param name="schema">A JSON schema; null for any JSON object with at least one property (JSON mode).</param>
    /// <param name="limits">The bounds; null for <see cref="StructuredOutputLimits.Default"/>.</param>
    /// <returns>The constraint.</returns>
    /// <exception cref="ArgumentException">The schema is malformed (the message says where), or no finite document satisfies it within the limits.</exception>
    public static OutputConstraint BoundedJsonSchema(string? schema, StructuredOutputLimits? limits = null)
    {
        limits ??= StructuredOutputLimits.Default;
        BoundedSchema bounded = schema is null
            ? JsonSchemaBounds.AnyObject(limits)
            : JsonSchemaBounds.Apply(ParseSchema(schema, nameof(schema)), limits)
              ?? throw new ArgumentException(
                  $"No finite JSON document satisfies the schema within the structured-output limits (recursion deeper than MaxReferenceDepth {limits.MaxReferenceDepth}, or contradictory bounds).",
                  nameof(schema));
        JsonObject root = bounded.Schema as JsonObject ?? new JsonObject { ["allOf"] = new JsonArray(bounded.Schema) };
        string grammar = LarkPreamble + "start: %json " + JsonSchemaBounds.WithGuidanceOptions(root).ToJsonString() + "\n";
        return LarkGrammar(grammar) with { MaxTokens = TokenBound(bounded.MaxBytes + 1) };
    }

    /// <summary>
    /// The options every grammar the engine builds starts with. <c>no_forcing</c>: where the grammar admits one
    /// continuation, guidance would tokenize the forced bytes with ONNX Runtime GenAI's tokenizer, which cannot take bytes
    /// that start inside a UTF-8 character; after a model wrote the first byte tokens of, say, an enum value "東京", the mask
    /// then admitted the wrong byte and the generator failed (measured on 0.20). Without forcing, the mask admits exactly
    /// the tokens whose bytes continue the value.
    /// </summary>
    internal const string LarkPreamble = "%llguidance {\"no_forcing\": true}\n";

    /// <summary>Gets ONNX Runtime GenAI's name for <see cref="Kind"/>.</summary>
    internal string GuidanceType => Kind switch
    {
        OutputConstraintKind.JsonSchema => "json_schema",
        OutputConstraintKind.Regex => "regex",
        OutputConstraintKind.LarkGrammar => "lark_grammar",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown constraint kind."),
    };

    /// <summary>A byte bound as a token bound: every token the constraint admits adds at least one byte.</summary>
    internal static int TokenBound(long bytes) => (int)Math.Min(bytes, int.MaxValue);

    internal static JsonNode ParseSchema(string schema, string parameterName)
    {
        try
        {
            return JsonNode.Parse(schema) ?? throw new ArgumentException("A JSON schema must be an object or a boolean; found null.", parameterName);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ArgumentException($"The JSON schema is not valid JSON: {ex.Message}", parameterName, ex);
        }
    }
}

/// <summary>The opening and closing text of the bounded spans of an <see cref="OutputConstraint"/>.</summary>
/// <param name="Open">The text that opens a span.</param>
/// <param name="Close">The text that closes it.</param>
public sealed record BoundedSpan(string Open, string Close)
{
    /// <summary>
    /// Gets the tokens that open and close a span when the delimiters are tokens (tool-call tags that are tokens,
    /// <see cref="ChatTemplates.IChatTemplate.ToolCallTokens"/>): a span is then followed by those tokens, not by text.
    /// </summary>
    public ChatTemplates.ToolCallTokens? Tokens { get; init; }
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
