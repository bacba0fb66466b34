using System.Text.Json;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace VisPruner.Engine.Runtime;

/// <summary>
/// Turns a reply's tokens into text as they arrive, through GenAI's <see cref="TokenizerStream"/>, then applies what the
/// stream leaves out of the tokenizer's decoder: its leading <c>Strip</c> step. Hugging Face decodes a reply with it, so a
/// SentencePiece reply starts "The", not " The" (the word marker of its first token); GenAI's stream keeps the space.
/// </summary>
internal sealed class ReplyDecoder(TokenizerStream stream, int leadingSpaces) : IDisposable
{
    private int _toStrip = leadingSpaces;

    /// <summary>Decodes one token; returns the text it completes (possibly empty).</summary>
    public string Decode(int token)
    {
        string text = stream.Decode(token);
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

        return text[strip..];
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
