using System.Globalization;
using System.Text;

namespace VisPruner.Tokenizers.Decoders;

/// <summary>
/// Turns runs of byte tokens (<c>&lt;0xE6&gt;</c>) back into text. A run that is not valid UTF-8 becomes one
/// U+FFFD per byte, as in Hugging Face's decoder.
/// </summary>
internal sealed class ByteFallbackDecoder : Decoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public override void Decode(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            if (TryParseByteToken(token, out var value))
            {
                bytes.Add(value);
                continue;
            }

            FlushBytes(bytes, result);
            result.Add(token);
        }

        FlushBytes(bytes, result);
        tokens.Clear();
        tokens.AddRange(result);
    }

    /// <summary>Parses a token of the form &lt;0xHH&gt;.</summary>
    internal static bool TryParseByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static void FlushBytes(List<byte> bytes, List<string> result)
    {
        if (bytes.Count == 0)
        {
            return;
        }

        try
        {
            result.Add(StrictUtf8.GetString(bytes.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            for (var i = 0; i < bytes.Count; i++)
            {
                result.Add("\uFFFD");
            }
        }

        bytes.Clear();
    }
}
