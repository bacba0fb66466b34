namespace VisPruner.Imaging.Phi3Vision;

/// <summary>Settings of the Phi-3(.5)-vision image processor.</summary>
public sealed class Phi3VisionProcessorOptions
{
    /// <summary>Largest accepted <see cref="NumCrops"/>; published models use 4 or 16, and each crop costs 1.35 MB of input.</summary>
    public const int MaxNumCrops = 128;

    /// <summary>
    /// Maximum number of 336-px crops per image (<c>num_crops</c>): the HD transform picks a grid with
    /// <c>rows * columns &lt;= NumCrops</c>. Default 16 (the published single-image setting; 4 is used for multi-frame).
    /// </summary>
    public int NumCrops { get; init; } = 16;

    /// <summary>Per-channel mean subtracted after scaling to [0, 1] (CLIP's by default).</summary>
    public IReadOnlyList<float> ImageMean { get; init; } = [0.48145466f, 0.4578275f, 0.40821073f];

    /// <summary>Per-channel standard deviation divided by after subtracting the mean (CLIP's by default).</summary>
    public IReadOnlyList<float> ImageStd { get; init; } = [0.26862954f, 0.26130258f, 0.27577711f];

    internal void Validate()
    {
        if (NumCrops is < 1 or > MaxNumCrops)
        {
            throw new ArgumentOutOfRangeException(nameof(NumCrops), NumCrops, $"num_crops must be between 1 and {MaxNumCrops}.");
        }

        if (ImageMean is not { Count: 3 } || ImageStd is not { Count: 3 } || ImageStd.Any(s => !(s > 0)))
        {
            throw new ArgumentException("ImageMean and ImageStd need three values each, and every std must be positive.", nameof(ImageStd));
        }
    }
}
