using System.Text.Json;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace VisPruner.Engine.Runtime;

/// <summary>
/// Turns a reply's tokens into text as they arrive, through GenAI's <see cref="TokenizerStream"/>, then applies what the
/// stream leaves out of the tokenizer's decoder: its leading <c>Strip</c> step. Hugging Face decodes a reply with it, so a
/// SentencePiece reply starts "The", not " The" (the word marker of its first token); GenAI's stream keeps the space.
/// The tool-call tags of a family whose tags are tokens are recognised by id and given their text: GenAI's stream
/// decodes a special token to nothing, and an ordinary added token to its text.
/// </summary>
internal sealed class ReplyDecoder(TokenizerStream stream, int leadingSpaces, IReadOnlyDictionary<int, string> tags) : IDisposable
{
    private int _toStrip = leadingSpaces;

    /// <summary>Decodes one token; returns the text it completes (possibly empty), and whether it is a tag token.</summary>
    public ReplyPiece Decode(int token)
    {
        // The stream sees every token, so what it decodes after a tag is what it would decode without this step.
        string text = stream.Decode(token);
        if (tags.TryGetValue(token, out string? tag))
        {
            _toStrip = 0;
            return new ReplyPiece(tag, token);
        }

        int strip = 0;
        while (_toStrip > 0 && strip < text.Length && text[strip] == ' ')
        {
            strip++;
            _toStrip--;
        }

        if (strip < text.Length)
        {
            _toStrip = 0; // only the very start of the reply is stripped
        }

        return new ReplyPiece(text[strip..], null);
    }

    public void Dispose() => stream.Dispose();

    /// <summary>Reads how many leading spaces <c>tokenizer.json</c>'s decoder strips (its <c>Strip</c> step's <c>start</c>).</summary>
    public static int LeadingSpacesOf(string tokenizerJsonPath)
    {
        using FileStream file = File.OpenRead(tokenizerJsonPath);
        using JsonDocument document = JsonDocument.Parse(file, new JsonDocumentOptions { MaxDepth = 256 });
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("decoder", out JsonElement decoder)
            ? StripStart(decoder)
            : 0;
    }

    private static int StripStart(JsonElement decoder)
    {
        if (decoder.ValueKind != JsonValueKind.Object || !decoder.TryGetProperty("type", out JsonElement type))
        {
            return 0;
        }

        if (type.ValueEquals("Sequence") && decoder.TryGetProperty("decoders", out JsonElement steps) && steps.ValueKind == JsonValueKind.Array)
        {
            return steps.EnumerateArray().Select(StripStart).LastOrDefault(n => n > 0);
        }

        return type.ValueEquals("Strip")
            && decoder.TryGetProperty("content", out JsonElement content) && content.ValueEquals(" ")
            && decoder.TryGetProperty("start", out JsonElement start) && start.TryGetInt32(out int count)
            ? Math.Max(0, count)
            : 0;
    }
}

/// <summary>The text one generated token completes.</summary>
/// <param name="Text">The text (possibly empty).</param>
/// <param name="ControlTokenId">The token's id when it is a tool-call tag token, whose text is then the tag's.</param>
internal readonly record struct ReplyPiece(string Text, int? ControlTokenId);
