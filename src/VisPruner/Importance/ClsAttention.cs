using System.Numerics;
using System.Numerics.Tensors;

namespace VisPruner.Importance;

/// <summary>
/// Importance from the [CLS] token's attention, as VisPruner reads it from encoders that have a [CLS] token
/// (CLIP): the softmax probabilities of the [CLS] query over the N patch keys, averaged over heads.
/// The [CLS] key column is dropped without renormalising the remaining probabilities.
/// </summary>
public static class ClsAttention
{
    /// <summary>Computes importance from full per-head attention probabilities [heads x (1+N) x (1+N)] (query-major, [CLS] first).</summary>
    /// <param name="probabilities">The attention probabilities of the layer whose features are used.</param>
    /// <param name="heads">The number of attention heads H.</param>
    /// <param name="importance">Receives the N importance scores.</param>
    /// <exception cref="ArgumentException">The lengths do not match [heads x (1+N) x (1+N)] for N = <paramref name="importance"/>.Length.</exception>
    public static void FromProbabilities<T>(ReadOnlySpan<T> probabilities, int heads, Span<T> importance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int keys = CheckShape(probabilities.Length, heads, importance.Length, squareRows: true);
        AverageHeads(probabilities, heads, headStride: keys * keys, importance);
    }

    /// <summary>Computes importance from the [CLS] query rows of every head [heads x (1+N)].</summary>
    /// <param name="clsRows">Row 0 of each head's attention probabilities.</param>
    /// <param name="heads">The number of attention heads H.</param>
    /// <param name="importance">Receives the N importance scores.</param>
    /// <exception cref="ArgumentException">The lengths do not match [heads x (1+N)] for N = <paramref name="importance"/>.Length.</exception>
    public static void FromClsRows<T>(ReadOnlySpan<T> clsRows, int heads, Span<T> importance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int keys = CheckShape(clsRows.Length, heads, importance.Length, squareRows: false);
        AverageHeads(clsRows, heads, headStride: keys, importance);
    }

    /// <summary>Averages per-head attention that already excludes the [CLS] key [heads x N] into one score per token.</summary>
    /// <param name="perHead">The per-head attention over the N patch tokens.</param>
    /// <param name="heads">The number of attention heads H.</param>
    /// <param name="importance">Receives the N importance scores.</param>
    /// <exception cref="ArgumentException">The lengths do not match [heads x N] for N = <paramref name="importance"/>.Length.</exception>
    public static void HeadMean<T>(ReadOnlySpan<T> perHead, int heads, Span<T> importance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        if (importance.IsEmpty || perHead.Length != heads * importance.Length)
        {
            throw new ArgumentException(
                $"Expected [{heads} x {importance.Length}] = {heads * importance.Length} values; got {perHead.Length}.", nameof(perHead));
        }

        importance.Clear();
        for (int h = 0; h < heads; h++)
        {
            TensorPrimitives.Add(importance, perHead.Slice(h * importance.Length, importance.Length), importance);
        }

        TensorPrimitives.Divide(importance, T.CreateTruncating(heads), importance);
    }

    private static void AverageHeads<T>(ReadOnlySpan<T> source, int heads, int headStride, Span<T> importance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        importance.Clear();
        for (int h = 0; h < heads; h++)
        {
            // Skip key 0: the [CLS] token attending to itself.
            TensorPrimitives.Add(importance, source.Slice((h * headStride) + 1, importance.Length), importance);
        }

        TensorPrimitives.Divide(importance, T.CreateTruncating(heads), importance);
    }

    private static int CheckShape(int length, int heads, int tokens, bool squareRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        int keys = tokens + 1;
        long expected = squareRows ? (long)heads * keys * keys : (long)heads * keys;
        if (tokens == 0 || length != expected)
        {
            string shape = squareRows ? $"[{heads} x {keys} x {keys}]" : $"[{heads} x {keys}]";
            throw new ArgumentException(
                $"Expected attention {shape} = {expected} values for {tokens} patch tokens plus [CLS]; got {length}.",
                squareRows ? "probabilities" : "clsRows");
        }

        return keys;
    }
}
