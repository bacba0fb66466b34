namespace VisPruner.Imaging.Phi3Vision;

/// <summary>
/// The vision model's inputs for a batch of images: <c>pixel_values</c> [num_images, max_crops + 1, 3, 336, 336]
/// (global view first, then crops row by row, then zero crops) and <c>image_sizes</c> [num_images, 2] as (h, w).
/// </summary>
public sealed class Phi3VisionInputs
{
    private readonly float[] _pixelValues;
    private readonly long[] _imageSizes;

    internal Phi3VisionInputs(float[] pixelValues, int maxCrops, long[] imageSizes, Phi3VisionImageLayout[] layouts)
    {
        _pixelValues = pixelValues;
        _imageSizes = imageSizes;
        Layouts = layouts;
        PixelValuesShape = [layouts.Length, maxCrops + 1, 3, Phi3VisionImageLayout.CropSize, Phi3VisionImageLayout.CropSize];
    }

    /// <summary><c>pixel_values</c>, row-major float32 with shape <see cref="PixelValuesShape"/>.</summary>
    public Memory<float> PixelValues => _pixelValues;

    /// <summary>Shape of <see cref="PixelValues"/>: [num_images, max_crops + 1, 3, 336, 336].</summary>
    public IReadOnlyList<long> PixelValuesShape { get; }

    /// <summary><c>image_sizes</c>, int64 [num_images, 2]: padded height then width of each image.</summary>
    public ReadOnlyMemory<long> ImageSizes => _imageSizes;

    /// <summary>Per-image crop grid and token layout.</summary>
    public IReadOnlyList<Phi3VisionImageLayout> Layouts { get; }

    /// <summary>Sum of <see cref="Phi3VisionImageLayout.NumImageTokens"/> over all images.</summary>
    public int TotalImageTokens => Layouts.Sum(l => l.NumImageTokens);
}
