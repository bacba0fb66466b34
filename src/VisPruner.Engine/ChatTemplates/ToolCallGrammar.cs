using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VisPruner.Engine.Generation;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Builds the constraint that makes every tool call a model writes parse and name one of the offered tools with arguments
/// that follow its schema: a Lark grammar (llguidance's dialect) in which each call block is an embedded JSON schema,
/// written compactly. Free text around the blocks stays free when a call is optional.
/// </summary>
public static class ToolCallGrammar
{
    private static readonly JsonSerializerOptions LiteralOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Creates the constraint for <paramref name="tools"/> in the block syntax <paramref name="openTag"/>, newline, JSON call,
    /// newline, <paramref name="closeTag"/>.
    /// </summary>
    /// <param name="tools">The tools on offer (at least one).</param>
    /// <param name="openTag">The text that opens a call block, such as <c>&lt;tool_call&gt;</c>.</param>
    /// <param name="closeTag">The text that closes it.</param>
    /// <param name="callRequired">True when the reply must be calls only; false when it may answer in text, calls optional.</param>
    /// <param name="singleCall">True when a reply holds at most one call.</param>
    /// <returns>The constraint.</returns>
    /// <exception cref="ArgumentException">No tools, or a tool's parameter schema is not a JSON object (the tool is named).</exception>
    public static OutputConstraint Create(IReadOnlyList<ToolDefinition> tools, string openTag, string closeTag, bool callRequired, bool singleCall = false)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentException.ThrowIfNullOrEmpty(openTag);
        ArgumentException.ThrowIfNullOrEmpty(closeTag);
        if (tools.Count == 0)
        {
            throw new ArgumentException("A tool-call constraint needs at least one tool.", nameof(tools));
        }

        var choices = new JsonArray();
        foreach (ToolDefinition tool in tools)
        {
            choices.Add(new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["name"] = new JsonObject { ["const"] = tool.Name }, ["arguments"] = ParameterSchema(tool) },
                ["required"] = new JsonArray("name", "arguments"),
                ["additionalProperties"] = false,
            });
        }

        var call = new JsonObject
        {
            // One line, single spaces: the layout the template renders calls in, and no room to ramble in whitespace.
            ["x-guidance"] = new JsonObject { ["whitespace_flexible"] = false, ["item_separator"] = ", ", ["key_separator"] = ": " },
            ["oneOf"] = choices,
        };

        string open = Literal(openTag + "\n"), close = Literal("\n" + closeTag);
        var grammar = new StringBuilder();
        if (callRequired)
        {
            // An optional space first: SentencePiece models start a reply with a word marker (the "▁" of "▁<").
            grammar.Append(Invariant($"start: \" \"? {open} call {close}")).Append(singleCall ? "\n" : Invariant($" (\"\\n\" {open} call {close})*\n"));
        }
        else
        {
            // Text, then optionally calls with text between: "before" ends lazily at the first opening tag, so the text
            // can hold anything but that tag; the tail after the last call cannot hold it either.
            grammar.Append(Invariant($"start: (before call {close}){(singleCall ? "?" : "*")} TAIL\n"));
            grammar.Append(Invariant($"before[lazy]: /(.|\\n)*{RegexLiteral(openTag + "\n")}/\n"));
            grammar.Append(Invariant($"TAIL: /(.|\\n)*/ & ~/(.|\\n)*{RegexLiteral(openTag)}(.|\\n)*/\n"));
        }

        grammar.Append("call: %json ").Append(call.ToJsonString()).Append('\n');
        return OutputConstraint.LarkGrammar(grammar.ToString());
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject ParameterSchema(ToolDefinition tool)
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

        // A function takes the parameters it declares: unless the schema says otherwise, no others (a model left free to
        // add keys can ramble in them).
        parameters.TryAdd("additionalProperties", false);
        return parameters;
    }

    // A Lark string literal: JSON string escaping is a subset Lark reads (quotes, backslashes and control characters only).
    private static string Literal(string text) => JsonSerializer.Serialize(text, LiteralOptions);

    // Inside /.../: escape the metacharacters and the delimiter, nothing else (an escaped letter or '<' means something else).
    private static string RegexLiteral(string text) => string.Concat(text.Select(c => @"\.+*?()|[]{}^$/-".Contains(c, StringComparison.Ordinal) ? "\\" + c : c.ToString()));
}
