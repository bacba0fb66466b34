using System.Globalization;
using System.Text;
using System.Text.Json;
using VisPruner.Engine.Generation;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Finds tool-call blocks (<c>&lt;tool_call&gt;{json}&lt;/tool_call&gt;</c> and the like) in generated text, or, where the
/// tags are tokens, between the updates that carry them. A block holds one <c>{"name", "arguments"}</c> object or an
/// array of them; a text block whose JSON does not parse stays part of the text, and a block cut off by the end of
/// generation is read up to the end.
/// </summary>
internal static class ToolCallBlockParser
{
    public static AssistantReply Parse(string generatedText, string open, string close)
    {
        ArgumentNullException.ThrowIfNull(generatedText);
        var text = new StringBuilder();
        var calls = new List<ToolCallPart>();
        var position = 0;
        while (position < generatedText.Length)
        {
            var start = generatedText.IndexOf(open, position, StringComparison.Ordinal);
            if (start < 0)
            {
                break;
            }

            var bodyStart = start + open.Length;
            var end = generatedText.IndexOf(close, bodyStart, StringComparison.Ordinal);
            var bodyEnd = end < 0 ? generatedText.Length : end;
            var blockEnd = end < 0 ? generatedText.Length : end + close.Length;
            text.Append(generatedText, position, start - position);
            if (!TryReadCalls(generatedText[bodyStart..bodyEnd], calls))
            {
                text.Append(generatedText, start, blockEnd - start);
            }

            position = blockEnd;
        }

        if (position < generatedText.Length)
        {
            text.Append(generatedText, position, generatedText.Length - position);
        }

        return new AssistantReply(text.ToString().Trim(), calls);
    }

    public static AssistantReply Parse(IReadOnlyList<GenerationUpdate> reply, ToolCallTokens tags)
    {
        var text = new StringBuilder();
        var calls = new List<ToolCallPart>();
        var unparsed = new List<string>();
        StringBuilder? block = null;
        foreach (GenerationUpdate update in reply)
        {
            if (block is null && update.ControlTokenId == tags.Open)
            {
                block = new StringBuilder();
            }
            else if (block is not null && update.ControlTokenId == tags.Close)
            {
                Read(block.ToString(), calls, unparsed);
                block = null;
            }
            else
            {
                (block ?? text).Append(update.Text);
            }
        }

        if (block is not null)
        {
            Read(block.ToString(), calls, unparsed);
        }

        return new AssistantReply(text.ToString().Trim(), calls) { UnparsedBlocks = unparsed };
    }

    private static void Read(string body, List<ToolCallPart> calls, List<string> unparsed)
    {
        if (!TryReadCalls(body, calls))
        {
            unparsed.Add(body);
        }
    }

    private static bool TryReadCalls(string body, List<ToolCallPart> calls)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var found = new List<ToolCallPart>();
            if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in root.EnumerateArray())
                {
                    if (!TryReadCall(item, calls.Count + found.Count + 1, out var call))
                    {
                        return false;
                    }

                    found.Add(call);
                }
            }
            else if (TryReadCall(root, calls.Count + 1, out var call))
            {
                found.Add(call);
            }
            else
            {
                return false;
            }

            calls.AddRange(found);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadCall(JsonElement element, int number, out ToolCallPart call)
    {
        call = null!;
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        // Arguments come as an object, or as a JSON string holding one.
        var arguments = "{}";
        if (element.TryGetProperty("arguments", out var args) || element.TryGetProperty("parameters", out args))
        {
            arguments = args.ValueKind == JsonValueKind.String ? args.GetString()! : args.GetRawText();
        }

        call = new ToolCallPart(string.Create(CultureInfo.InvariantCulture, $"call_{number}"), name.GetString()!, arguments);
        return true;
    }
}
