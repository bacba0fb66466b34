using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using VisPruner.Tokenizers.Text;

namespace VisPruner.Tokenizers.PreTokenizers;

/// <summary>
/// GPT-2 style byte-level pre-tokenization: optionally a leading space and the GPT-2 split pattern, then
/// every UTF-8 byte of each piece rewritten as its <see cref="ByteLevelAlphabet"/> character.
/// </summary>
internal sealed partial class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : PreTokenizer
{
    [ThreadStatic]
    private static PieceBuffer? t_split;

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Gpt2Pattern();

    public override void PreTokenize(PieceBuffer input, PieceBuffer output)
    {
        var split = t_split ??= new PieceBuffer();
        for (var i = 0; i < input.Count; i++)
        {
            var piece = input[i];
            if (!useRegex && !addPrefixSpace)
            {
                AppendMapped(piece, output);
                continue;
            }

            split.Clear();
            if (addPrefixSpace && !piece.StartsWith(' '))
            {
                var prefixed = split.Reserve(piece.Length + 1);
                prefixed[0] = ' ';
                piece.CopyTo(prefixed[1..]);
                split.Commit(piece.Length + 1);
                piece = split[0];
            }

            if (!useRegex)
            {
                AppendMapped(piece, output);
                continue;
            }

            // The prefixed copy (if any) stays at the front of the buffer while the split pieces follow it.
            var first = split.Count;
            SplitPreTokenizer.Split(piece, Gpt2Pattern(), SplitBehavior.Isolated, invert: false, split);
            for (var j = first; j < split.Count; j++)
            {
                AppendMapped(split[j], output);
            }
        }
    }

    private static void AppendMapped(ReadOnlySpan<char> piece, PieceBuffer output)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(piece.Length);
        byte[]? rented = null;
        Span<byte> bytes = maxBytes <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        var count = Encoding.UTF8.GetBytes(piece, bytes);
        var mapped = output.Reserve(count);
        for (var i = 0; i < count; i++)
        {
            mapped[i] = ByteLevelAlphabet.ToChar(bytes[i]);
        }

        output.Commit(count);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
