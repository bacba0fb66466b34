using System.Numerics;

namespace VisPruner;

/// <summary>
/// Chooses which visual tokens of one image (or one crop) reach the language model.
/// </summary>
/// <remarks>
/// Implementations are stateless apart from their settings and are safe to call from many threads at once.
/// Scratch memory comes from <see cref="System.Buffers.ArrayPool{T}.Shared"/>, so repeated calls do not allocate.
/// </remarks>
public interface IVisualTokenSelector
{
    /// <summary>Gets a short, stable name for logs and statistics (for example <c>"vispruner"</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Selects exactly <paramref name="budget"/> distinct tokens and writes their indices, in ascending (raster) order,
    /// to the first <paramref name="budget"/> elements of <paramref name="destination"/>.
    /// </summary>
    /// <typeparam name="T">The element type of the features and importance (typically <see cref="float"/> or <see cref="double"/>).</typeparam>
    /// <param name="tokens">The tokens to choose from.</param>
    /// <param name="budget">How many tokens to keep, from 1 to <see cref="VisualTokens{T}.Count"/>.</param>
    /// <param name="destination">Receives the kept indices; at least <paramref name="budget"/> long.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="budget"/> is below 1 or above the token count.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> is too short, or <paramref name="tokens"/> lacks data this selector needs or holds NaN or infinite values.
    /// </exception>
    void SelectTokens<T>(VisualTokens<T> tokens, int budget, Span<int> destination)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
