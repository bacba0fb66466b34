namespace VisPruner.Imaging.Phi4Multimodal;

/// <summary>Settings of the Phi-4-multimodal image processor.</summary>
public sealed class Phi4MultimodalProcessorOptions
{
    /// <summary>Largest accepted <see cref="DynamicHd"/>; the published model uses 36, and each crop costs 2.4 MB of input.</summary>
    public const int MaxDynamicHd = 64;

    /// <summary>
    /// Gets the most 448-pixel sub-crops per image (<c>dynamic_hd</c>): an image needing more gets the grid whose aspect
    /// ratio is closest to its own. Default 36, as published.
    /// </summary>
    public int DynamicHd { get; init; } = 36;

    internal void Validate()
    {
        if (DynamicHd is < 1 or > MaxDynamicHd)
        {
            throw new ArgumentOutOfRangeException(nameof(DynamicHd), DynamicHd, $"dynamic_hd must be between 1 and {MaxDynamicHd}.");
        }
    }
}
