using VisPruner.Tokenizers.Text;

namespace VisPruner.Tokenizers.PreTokenizers;

internal sealed class SequencePreTokenizer(IReadOnlyList<PreTokenizer> preTokenizers) : PreTokenizer
{
    [ThreadStatic]
    private static PieceBuffer? t_even;

    [ThreadStatic]
    private static PieceBuffer? t_odd;

    public override void PreTokenize(PieceBuffer input, PieceBuffer output)
    {
        if (preTokenizers.Count == 0)
        {
            CopyTo(input, output);
            return;
        }

        // Intermediate stages alternate between two per-thread buffers; the last stage writes to the caller's.
        var source = input;
        for (var i = 0; i < preTokenizers.Count; i++)
        {
            var target = i == preTokenizers.Count - 1 ? output : i % 2 == 0 ? (t_even ??= new()) : (t_odd ??= new());
            target.Clear();
            target.StartsAtOrigin = source.StartsAtOrigin;
            preTokenizers[i].PreTokenize(source, target);
            source = target;
        }
    }

    private static void CopyTo(PieceBuffer source, PieceBuffer target)
    {
        target.Clear();
        target.StartsAtOrigin = source.StartsAtOrigin;
        for (var i = 0; i < source.Count; i++)
        {
            target.Add(source[i]);
        }
    }
}
