using VisPruner.Imaging.Processing;

namespace VisPruner.Imaging.Gemma3;

/// <summary>
/// Turns an image into Gemma 3's vision input, as Hugging Face's processor does without pan-and-scan: a resize to
/// 896 x 896 that does not keep the aspect ratio (Pillow's arithmetic, with the configured filter), rescaling by 1/255
/// and normalisation with mean and std 0.5, as RGB planes. Every image becomes 256 soft tokens: the SigLIP encoder sees
/// 64 x 64 patches of 14 pixels, which the projector averages 4 x 4.
/// </summary>
/// <remarks>
/// Pan-and-scan (extra crops of elongated images) is not done: ONNX Runtime GenAI 0.20's Gemma 3 processor has none, and
/// Hugging Face's processor does it only when asked. Instances hold only immutable settings and are safe to use from
/// several threads at once.
/// </remarks>
public sealed class Gemma3ImageProcessor
{
    /// <summary>Side of the resized image in pixels.</summary>
    public const int ImageSize = 896;

    /// <summary>Side of a SigLIP patch in pixels.</summary>
    public const int PatchSize = 14;

    /// <summary>Patches along each side of the image (896 / 14).</summary>
    public const int PatchesPerSide = ImageSize / PatchSize;

    /// <summary>Soft tokens along each side after the projector's 4 x 4 average pooling.</summary>
    public const int TokensPerSide = 16;

    /// <summary>Soft tokens per image (16 x 16).</summary>
    public const int TokensPerImage = TokensPerSide * TokensPerSide;

    private const int Plane = ImageSize * ImageSize;
    private static readonly float[][] Normalize = PaddedCanvas.NormalizationTable([0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);

    /// <summary>Creates a processor.</summary>
    /// <param name="options">Settings; Hugging Face's (bilinear) when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Gemma3ImageProcessor(Gemma3ProcessorOptions? options = null)
    {
        Options = options ?? new Gemma3ProcessorOptions();
        Options.Validate();
    }

    /// <summary>Gets the settings in use.</summary>
    public Gemma3ProcessorOptions Options { get; }

    /// <summary>Processes one image.</summary>
    /// <param name="image">The decoded image.</param>
    /// <returns>The vision model's input.</returns>
    public Gemma3Inputs Process(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ResampleFilter filter = Options.Interpolation == Gemma3Interpolation.Bicubic ? ResampleFilter.Bicubic : ResampleFilter.Bilinear;
        RgbImage resized = PillowResampler.Resize(image, ImageSize, ImageSize, filter);
        var pixels = new float[3 * Plane];
        new PaddedCanvas(resized, ImageSize, ImageSize, 0, 0).WriteCrop(0, 0, ImageSize, Normalize, pixels);
        return new Gemma3Inputs(pixels);
    }
}
