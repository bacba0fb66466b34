using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Tools;

/// <summary>
/// Turns the tool-call markup of a reply into <see cref="FunctionCallContent"/>s. Never throws on model output: a call
/// whose JSON is malformed becomes a call carrying the parse error in <see cref="FunctionCallContent.Exception"/>, so a
/// tool-invocation loop can report it back to the model.
/// </summary>
internal static partial class ToolCallReader
{
    /// <summary>Reads the calls in <paramref name="markup"/>, the reply's updates from its first call block on.</summary>
    /// <returns>The calls, and the text around them that is not markup (trimmed).</returns>
    public static (List<FunctionCallContent> Calls, string Text) Read(IReadOnlyList<GenerationUpdate> markup, IChatTemplate template, ToolCallMarkup delimiters, bool singleCall)
    {
        AssistantReply reply = template.ParseReply(markup);
        var calls = new List<FunctionCallContent>(reply.ToolCalls.Count + reply.UnparsedBlocks.Count);
        foreach (ToolCallPart call in reply.ToolCalls)
        {
            calls.Add(FunctionCallContent.CreateFromParsedArguments(call.ArgumentsJson, NewCallId(), call.Name, ParseArguments));
        }

        // Blocks between tag tokens that do not parse come apart from the text; blocks between text tags stay in the
        // text, where only the tags can find them. Either way they were meant as calls.
        foreach (string body in reply.UnparsedBlocks)
        {
            calls.Add(Malformed(body.Trim(), template.ToolCallArgumentsName));
        }

        string text = delimiters.Tokens is null ? ExtractMalformed(reply.Text, delimiters, template.ToolCallArgumentsName, calls) : reply.Text;
        if (singleCall && calls.Count > 1)
        {
            calls.RemoveRange(1, calls.Count - 1);
        }

        return (calls, text);
    }

    private static string ExtractMalformed(string text, ToolCallMarkup delimiters, string argumentsName, List<FunctionCallContent> calls)
    {
        int start = text.IndexOf(delimiters.Open, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var rest = new StringBuilder();
        int position = 0;
        while (start >= 0)
        {
            rest.Append(text, position, start - position);
            int bodyStart = start + delimiters.Open.Length;
            int close = text.IndexOf(delimiters.Close, bodyStart, StringComparison.Ordinal);
            int bodyEnd = close < 0 ? text.Length : close;
            position = close < 0 ? text.Length : close + delimiters.Close.Length;
            calls.Add(Malformed(text[bodyStart..bodyEnd].Trim(), argumentsName));
            start = text.IndexOf(delimiters.Open, position, StringComparison.Ordinal);
        }

        rest.Append(text, position, text.Length - position);
        return rest.ToString().Trim();
    }

    private static FunctionCallContent Malformed(string body, string argumentsName)
    {
        Match name = NamePattern().Match(body);
        return new FunctionCallContent(NewCallId(), name.Success ? Regex.Unescape(name.Groups[1].Value) : "unknown")
        {
            Exception = new InvalidOperationException($"The model wrote a tool call that is not a valid {{\"name\", \"{argumentsName}\"}} JSON object: {body}"),
        };
    }

    private static Dictionary<string, object?>? ParseArguments(string json) =>
        (Dictionary<string, object?>?)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(Dictionary<string, object?>)));

    // Short and random, as providers issue them: callers match results to calls by id, so ids must not repeat across turns.
    private static string NewCallId() => "call_" + RandomNumberGenerator.GetHexString(12, lowercase: true);

    [GeneratedRegex("\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex NamePattern();
}
