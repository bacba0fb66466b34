using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VisPruner.Engine.Generation;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Builds the constraint that makes every tool call a model writes parse and name one of the offered tools with arguments
/// that follow its schema: a Lark grammar (llguidance's dialect) in which each call block is an embedded JSON schema,
/// written compactly, between the family's tags (text, or tokens named by id where the family's tags are tokens). The
/// schemas are bounded (<see cref="StructuredOutputLimits"/>) and so is the number of calls, so a call always finishes:
/// the constraint carries the most tokens a reply of calls (or one call block) can take. Free text around the blocks
/// stays free when a call is optional.
/// </summary>
public static class ToolCallGrammar
{
    private static readonly JsonSerializerOptions LiteralOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Creates the constraint for <paramref name="tools"/>. With text tags a call block is <paramref name="openTag"/>,
    /// newline, one JSON call, newline, <paramref name="closeTag"/>, and a reply may hold up to <paramref name="maxCalls"/>
    /// blocks. With <paramref name="tagTokens"/> the block is written as Phi-4 writes it: the opening token, a JSON array of
    /// one to <paramref name="maxCalls"/> calls, the closing token, and a reply holds one block.
    /// </summary>
    /// <param name="tools">The tools on offer (at least one).</param>
    /// <param name="openTag">The text that opens a call block, such as <c>&lt;tool_call&gt;</c>.</param>
    /// <param name="closeTag">The text that closes it.</param>
    /// <param name="callRequired">True when the reply must be calls only; false when it may answer in text, calls optional.</param>
    /// <param name="maxCalls">The most calls in one reply (1 when a reply holds one call at most).</param>
    /// <param name="limits">The bounds on the arguments; null for <see cref="StructuredOutputLimits.Default"/>.</param>
    /// <param name="argumentsName">
    /// The key of the arguments in a call, <c>{"name": ..., "&lt;key&gt;": {...}}</c>: <c>arguments</c>, or the family's own
    /// (<see cref="IChatTemplate.ToolCallArgumentsName"/>).
    /// </param>
    /// <param name="tagTokens">
    /// The ids of the tags when they are tokens (<see cref="IChatTemplate.ToolCallTokens"/>): the grammar then names the
    /// tokens by id, so the model writes them and not their text, and the text around a block cannot spell either tag.
    /// Null for text tags.
    /// </param>
    /// <returns>
    /// The constraint. With <paramref name="callRequired"/>, its <see cref="OutputConstraint.MaxTokens"/> bounds the whole
    /// reply; otherwise it bounds each call block (<see cref="OutputConstraint.Span"/>).
    /// </returns>
    /// <exception cref="ArgumentException">
    /// No tools, or a tool's parameter schema is not a JSON object or admits no finite arguments within the limits (the tool is named).
    /// </exception>
    public static OutputConstraint Create(
        IReadOnlyList<ToolDefinition> tools, string openTag, string closeTag, bool callRequired, int maxCalls, StructuredOutputLimits? limits = null,
        string argumentsName = "arguments", ToolCallTokens? tagTokens = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentException.ThrowIfNullOrEmpty(openTag);
        ArgumentException.ThrowIfNullOrEmpty(closeTag);
        ArgumentException.ThrowIfNullOrEmpty(argumentsName);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCalls, 1);
        limits ??= StructuredOutputLimits.Default;
        if (tools.Count == 0)
        {
            throw new ArgumentException("A tool-call constraint needs at least one tool.", nameof(tools));
        }

        var choices = new JsonArray();
        long longestCall = 0;
        foreach (ToolDefinition tool in tools)
        {
            BoundedSchema arguments = ParameterSchema(tool, limits);
            choices.Add(new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["name"] = new JsonObject { ["const"] = tool.Name }, [argumentsName] = arguments.Schema },
                ["required"] = new JsonArray("name", argumentsName),
                ["additionalProperties"] = false,
            });

            // {"name": "<name>", "<arguments>": <arguments>}
            longestCall = Math.Max(longestCall, Encoding.UTF8.GetByteCount("{\"name\": , : }") + JsonSchemaBounds.ValueBytes(JsonValue.Create(tool.Name))
                + JsonSchemaBounds.ValueBytes(JsonValue.Create(argumentsName)) + arguments.MaxBytes);
        }

        // One line, single spaces: the layout the template renders calls in, and no room to ramble in whitespace.
        JsonObject call = JsonSchemaBounds.WithGuidanceOptions(new JsonObject { ["oneOf"] = choices });
        var grammar = new StringBuilder(OutputConstraint.LarkPreamble);
        OutputConstraint constraint = tagTokens is null
            ? TextBlocks(grammar, openTag, closeTag, callRequired, maxCalls, longestCall)
            : TokenBlock(grammar, openTag, closeTag, tagTokens, callRequired, maxCalls, longestCall);
        grammar.Append("call: %json ").Append(call.ToJsonString()).Append('\n');
        return constraint with { Definition = grammar.ToString() };
    }

    private static OutputConstraint TextBlocks(StringBuilder grammar, string openTag, string closeTag, bool callRequired, int maxCalls, long longestCall)
    {
        long block = Encoding.UTF8.GetByteCount(openTag + "\n") + longestCall + Encoding.UTF8.GetByteCount("\n" + closeTag);
        string open = Literal(openTag + "\n"), close = Literal("\n" + closeTag);
        string more = maxCalls == 1 ? string.Empty : Invariant($" (\"\\n\" {open} call {close}){{0,{maxCalls - 1}}}");
        if (callRequired)
        {
            // An optional space first: SentencePiece models start a reply with a word marker (the "▁" of "▁<"). Then the
            // calls, newline-separated, and the end of sequence.
            grammar.Append(Invariant($"start: \" \"? {open} call {close}{more}\n"));
            return OutputConstraint.LarkGrammar(string.Empty) with { MaxTokens = OutputConstraint.TokenBound(1 + (maxCalls * (block + 1)) + 1) };
        }

        // Text, then optionally calls with text between: "before" ends lazily at the first opening tag, so the text
        // can hold anything but that tag; the tail after the last call cannot hold it either.
        grammar.Append(Invariant($"start: (before call {close}){{0,{maxCalls}}} TAIL\n"));
        grammar.Append(Invariant($"before[lazy]: /(.|\\n)*{RegexLiteral(openTag + "\n")}/\n"));
        grammar.Append(Invariant($"TAIL: /(.|\\n)*/ & ~/(.|\\n)*{RegexLiteral(openTag)}(.|\\n)*/\n"));
        return OutputConstraint.LarkGrammar(string.Empty) with { MaxTokens = OutputConstraint.TokenBound(block), Span = new BoundedSpan(openTag, closeTag) };
    }

    private static OutputConstraint TokenBlock(StringBuilder grammar, string openTag, string closeTag, ToolCallTokens tags, bool callRequired, int maxCalls, long longestCall)
    {
        // <open>[call, call]<close>: the tags are tokens without text bytes in the grammar's view, so they count as tokens
        // on top of the array's bytes.
        long array = 2 + (maxCalls * longestCall) + ((maxCalls - 1) * Encoding.UTF8.GetByteCount(", "));
        string more = maxCalls == 1 ? string.Empty : Invariant($" (\", \" call){{0,{maxCalls - 1}}}");
        string block = Invariant($"<[{tags.Open}]> \"[\" call{more} \"]\" <[{tags.Close}]>");
        if (callRequired)
        {
            grammar.Append("start: ").Append(block).Append('\n');
            return OutputConstraint.LarkGrammar(string.Empty) with { MaxTokens = OutputConstraint.TokenBound(2 + array + 1) };
        }

        // Text, optionally a block, text. The text cannot spell a tag: where a tokenizer has the tag tokens as ordinary
        // added tokens, the grammar would otherwise take the opening token for text and leave the call unconstrained.
        grammar.Append("start: TEXT (").Append(block).Append(" TEXT)?\n");
        grammar.Append(Invariant($"TEXT: /(.|\\n)*/ & ~/(.|\\n)*({RegexLiteral(openTag)}|{RegexLiteral(closeTag)})(.|\\n)*/\n"));
        return OutputConstraint.LarkGrammar(string.Empty) with
        {
            MaxTokens = OutputConstraint.TokenBound(2 + array),
            Span = new BoundedSpan(openTag, closeTag) { Tokens = tags },
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static BoundedSchema ParameterSchema(ToolDefinition tool, StructuredOutputLimits limits)
    {
        JsonNode? schema;
        try
        {
            schema = JsonNode.Parse(tool.ParametersSchemaJson);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The parameter schema of the tool '{tool.Name}' is not valid JSON: {ex.Message}", nameof(tool), ex);
        }

        if (schema is not JsonObject parameters)
        {
            throw new ArgumentException($"The parameter schema of the tool '{tool.Name}' must be a JSON object; it is {schema?.GetValueKind().ToString() ?? "null"}.", nameof(tool));
        }

        // A function takes an object of the parameters it declares: unless the schema says otherwise, no others (a model
        // left free to add keys rambles in them).
        parameters.TryAdd("type", "object");
        parameters.TryAdd("additionalProperties", false);
        try
        {
            return JsonSchemaBounds.Apply(parameters, limits)
                ?? throw new ArgumentException(
                    $"No finite arguments satisfy the parameter schema of the tool '{tool.Name}' within the structured-output limits (recursion deeper than MaxReferenceDepth {limits.MaxReferenceDepth}, or contradictory bounds).",
                    nameof(tool));
        }
        catch (ArgumentException ex) when (!ex.Message.Contains($"'{tool.Name}'", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The parameter schema of the tool '{tool.Name}' is not usable: {ex.Message}", nameof(tool), ex);
        }
    }

    // A Lark string literal: JSON string escaping is a subset Lark reads (quotes, backslashes and control characters only).
    private static string Literal(string text) => JsonSerializer.Serialize(text, LiteralOptions);

    // Inside /.../: escape the metacharacters and the delimiter, nothing else (an escaped letter or '<' means something else).
    private static string RegexLiteral(string text) => string.Concat(text.Select(c => @"\.+*?()|[]{}^$/-".Contains(c, StringComparison.Ordinal) ? "\\" + c : c.ToString()));
}
