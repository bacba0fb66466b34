using System.Text;
using VisPruner.Tokenizers.Text;

namespace VisPruner.Tokenizers.Decoders;

/// <summary>
/// Maps byte-level characters back to bytes and decodes them as UTF-8 (invalid sequences become U+FFFD).
/// A token outside the byte alphabet (an added token such as <c>&lt;|im_end|&gt;</c> with other chars) keeps its own UTF-8.
/// </summary>
internal sealed class ByteLevelDecoder : Decoder
{
    public override void Decode(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            AppendBytes(token, bytes);
        }

        tokens.Clear();
        tokens.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
    }

    /// <summary>The bytes a token stands for.</summary>
    internal static void AppendBytes(string token, List<byte> bytes)
    {
        foreach (var c in token)
        {
            if (ByteLevelAlphabet.ToByte(c) < 0)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
                return;
            }
        }

        foreach (var c in token)
        {
            bytes.Add((byte)ByteLevelAlphabet.ToByte(c));
        }
    }
}
