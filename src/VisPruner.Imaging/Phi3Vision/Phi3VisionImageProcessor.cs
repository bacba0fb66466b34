using VisPruner.Imaging.Processing;

namespace VisPruner.Imaging.Phi3Vision;

/// <summary>
/// Turns images into Phi-3(.5)-vision's <c>pixel_values</c> and <c>image_sizes</c>, reproducing Hugging Face's
/// <c>Phi3VImageProcessor</c>: HD transform (portrait images handled transposed; aspect-preserving bilinear resize
/// to <c>scale * 336</c> px wide, with <c>scale * ceil(scale / ratio) &lt;= num_crops</c>; white padding to
/// 336-px multiples, centred), CLIP normalisation, a bicubic 336x336 global view, and the crops row by row.
/// </summary>
/// <remarks>Instances hold only immutable settings and are safe to use from several threads at once.</remarks>
public sealed class Phi3VisionImageProcessor
{
    private const int Crop = Phi3VisionImageLayout.CropSize;
    private const int CropPlane = Crop * Crop;
    private readonly float[][] _normalize;

    /// <summary>Creates a processor.</summary>
    /// <param name="options">Settings; defaults (16 crops, CLIP mean/std) when null.</param>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public Phi3VisionImageProcessor(Phi3VisionProcessorOptions? options = null)
    {
        Options = options ?? new Phi3VisionProcessorOptions();
        Options.Validate();
        _normalize = PaddedCanvas.NormalizationTable(Options.ImageMean, Options.ImageStd);
    }

    /// <summary>The settings in use.</summary>
    public Phi3VisionProcessorOptions Options { get; }

    /// <summary>Computes the layout an image of the given size gets, without processing pixels.</summary>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive.</exception>
    public Phi3VisionImageLayout GetLayout(int width, int height) => GetGeometry(width, height).Layout;

    /// <summary>
    /// Computes where an image of the given size lands in the padded HD canvas (resized size, padding offsets,
    /// orientation), without processing pixels; use it to map token cells back to the original image.
    /// </summary>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive.</exception>
    public Phi3VisionImageGeometry GetGeometry(int width, int height) => Phi3VisionImageGeometry.Create(width, height, Options.NumCrops);

    /// <summary>Processes one image.</summary>
    /// <param name="image">The decoded image.</param>
    public Phi3VisionInputs Process(RgbImage image) => Process([image]);

    /// <summary>Processes a batch of images into one set of model inputs.</summary>
    /// <param name="images">Decoded images (at least one).</param>
    /// <param name="cancellationToken">Checked between images.</param>
    /// <exception cref="ArgumentException"><paramref name="images"/> is empty.</exception>
    public Phi3VisionInputs Process(IReadOnlyList<RgbImage> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("At least one image is required.", nameof(images));
        }

        long perImage = ValuesPerImage;
        if (images.Count * perImage > Array.MaxLength)
        {
            throw new ArgumentException($"{images.Count} images of {perImage} values each exceed one buffer; process them in smaller batches.", nameof(images));
        }

        float[] pixelValues = new float[images.Count * perImage];
        long[] sizes = new long[images.Count * 2];
        var layouts = new Phi3VisionImageLayout[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RgbImage image = images[i] ?? throw new ArgumentException($"Image {i} is null.", nameof(images));
            layouts[i] = ProcessOne(image, pixelValues.AsSpan((int)(i * perImage), (int)perImage));
            sizes[2 * i] = layouts[i].Height;
            sizes[(2 * i) + 1] = layouts[i].Width;
        }

        return new Phi3VisionInputs(pixelValues, Options.NumCrops, sizes, layouts);
    }

    /// <summary>Number of floats one image occupies in <c>pixel_values</c>: <c>(NumCrops + 1) * 3 * 336 * 336</c>.</summary>
    public int ValuesPerImage => (Options.NumCrops + 1) * 3 * CropPlane;

    /// <summary>
    /// Writes one image's <c>[NumCrops + 1, 3, 336, 336]</c> block of <c>pixel_values</c> into a caller-owned buffer
    /// (for example a pooled one; unused crop slots are zeroed), and returns its layout.
    /// </summary>
    /// <param name="image">The decoded image.</param>
    /// <param name="destination">At least <see cref="ValuesPerImage"/> floats.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public Phi3VisionImageLayout ProcessInto(RgbImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (destination.Length < ValuesPerImage)
        {
            throw new ArgumentException($"Destination holds {destination.Length} floats; one image needs {ValuesPerImage}.", nameof(destination));
        }

        return ProcessOne(image, destination[..ValuesPerImage]);
    }

    private Phi3VisionImageLayout ProcessOne(RgbImage image, Span<float> output)
    {
        Phi3VisionImageGeometry geometry = GetGeometry(image.Width, image.Height);
        RgbImage resized = PillowResampler.Resize(image, geometry.ResizedWidth, geometry.ResizedHeight, ResampleFilter.Bilinear, verticalFirst: geometry.Transposed);
        Phi3VisionImageLayout layout = geometry.Layout;
        var padded = new PaddedCanvas(resized, layout.Width, layout.Height, geometry.OffsetX, geometry.OffsetY);
        padded.WriteBicubicView(Crop, _normalize, output[..(3 * CropPlane)]);
        for (int row = 0; row < layout.CropRows; row++)
        {
            for (int col = 0; col < layout.CropColumns; col++)
            {
                int slot = 1 + (row * layout.CropColumns) + col;
                padded.WriteCrop(row * Crop, col * Crop, Crop, _normalize, output.Slice(slot * 3 * CropPlane, 3 * CropPlane));
            }
        }

        output[((1 + layout.CropCount) * 3 * CropPlane)..].Clear();
        return layout;
    }
}
