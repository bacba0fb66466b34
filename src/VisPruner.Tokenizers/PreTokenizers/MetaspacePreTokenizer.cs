using VisPruner.Tokenizers.Text;

namespace VisPruner.Tokenizers.PreTokenizers;

/// <summary>SentencePiece-style: spaces become the replacement ('▁'), which is also prepended and optionally split on.</summary>
internal sealed class MetaspacePreTokenizer(char replacement, PrependScheme prependScheme, bool split) : PreTokenizer
{
    [ThreadStatic]
    private static PieceBuffer? t_replaced;

    public override void PreTokenize(PieceBuffer input, PieceBuffer output)
    {
        var target = split ? (t_replaced ??= new PieceBuffer()) : output;
        if (split)
        {
            target.Clear();
        }

        for (var i = 0; i < input.Count; i++)
        {
            var piece = input[i];
            // Checked after spaces become the replacement: text that starts with a space gets no second one.
            var startsWithReplacement = !piece.IsEmpty && (piece[0] == ' ' || piece[0] == replacement);
            var prepend = !startsWithReplacement && prependScheme switch
            {
                PrependScheme.Always => true,
                PrependScheme.First => i == 0 && input.StartsAtOrigin,
                _ => false,
            };
            var length = piece.Length + (prepend ? 1 : 0);
            var rewritten = target.Reserve(length);
            if (prepend)
            {
                rewritten[0] = replacement;
            }

            piece.Replace(rewritten[(prepend ? 1 : 0)..], ' ', replacement);
            target.Commit(length);
        }

        if (split)
        {
            for (var i = 0; i < target.Count; i++)
            {
                SplitBeforeReplacement(target[i], output);
            }
        }
    }

    /// <summary>Each replacement char starts a new piece (Hugging Face's MergedWithNext on '▁').</summary>
    private void SplitBeforeReplacement(ReadOnlySpan<char> piece, PieceBuffer output)
    {
        var start = 0;
        for (var i = 1; i < piece.Length; i++)
        {
            if (piece[i] == replacement)
            {
                output.Add(piece[start..i]);
                start = i;
            }
        }

        output.Add(piece[start..]);
    }
}
