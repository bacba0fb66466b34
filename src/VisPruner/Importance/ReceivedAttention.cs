using System.Numerics;
using System.Numerics.Tensors;

namespace VisPruner.Importance;

/// <summary>
/// Importance for encoders without a [CLS] token (SigLIP, the Qwen2.5-VL ViT): the mean attention each token
/// receives, averaged over all queries and then over heads, taken from the encoder's last layer.
/// </summary>
public static class ReceivedAttention
{
    /// <summary>Computes importance[n] = mean over heads h and queries q of probabilities[h, q, n].</summary>
    /// <param name="probabilities">Per-head attention probabilities [heads x N x N] (query-major).</param>
    /// <param name="heads">The number of attention heads H.</param>
    /// <param name="importance">Receives the N importance scores.</param>
    /// <exception cref="ArgumentException">The lengths do not match [heads x N x N] for N = <paramref name="importance"/>.Length.</exception>
    public static void Mean<T>(ReadOnlySpan<T> probabilities, int heads, Span<T> importance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        int n = importance.Length;
        if (n == 0 || probabilities.Length != (long)heads * n * n)
        {
            throw new ArgumentException(
                $"Expected attention [{heads} x {n} x {n}] = {(long)heads * n * n} values; got {probabilities.Length}.",
                nameof(probabilities));
        }

        importance.Clear();
        int rows = heads * n;
        for (int row = 0; row < rows; row++)
        {
            TensorPrimitives.Add(importance, probabilities.Slice(row * n, n), importance);
        }

        TensorPrimitives.Divide(importance, T.CreateTruncating(rows), importance);
    }
}
