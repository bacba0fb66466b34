using VisPruner.Imaging.Processing;

namespace VisPruner.Imaging.Phi4Multimodal;

/// <summary>
/// Turns an image into Phi-4-multimodal's vision inputs, reproducing Hugging Face's processor: the dynamic HD transform
/// (a grid of at most <see cref="Phi4MultimodalProcessorOptions.DynamicHd"/> 448-pixel crops, an aspect-preserving
/// bilinear resize that fills the grid's width or height, white padding on the right or bottom), normalisation to
/// [-1, 1] (mean and std 0.5), a bicubic 448 x 448 global view, the sub-crops row by row, and 32 x 32 patch masks that
/// zero the 14-pixel columns and rows of padding.
/// </summary>
/// <remarks>Instances hold only immutable settings and are safe to use from several threads at once.</remarks>
public sealed class Phi4MultimodalImageProcessor
{
    private const int Crop = Phi4MultimodalImageLayout.CropSize;
    private const int CropPlane = Crop * Crop;
    private const int MaskSide = Phi4MultimodalImageLayout.MaskSide;
    private static readonly float[][] Normalize = PaddedCanvas.NormalizationTable([0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);

    /// <summary>Creates a processor.</summary>
    /// <param name="options">Settings; the published ones (36 crops at most) when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Phi4MultimodalImageProcessor(Phi4MultimodalProcessorOptions? options = null)
    {
        Options = options ?? new Phi4MultimodalProcessorOptions();
        Options.Validate();
    }

    /// <summary>Gets the settings in use.</summary>
    public Phi4MultimodalProcessorOptions Options { get; }

    /// <summary>Computes the layout an image of the given size gets, without processing pixels.</summary>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <returns>The crop grid and token layout.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive.</exception>
    /// <exception cref="ArgumentException">The image is too elongated: a resized side would be under 10 pixels.</exception>
    public Phi4MultimodalImageLayout GetLayout(int width, int height) => Phi4MultimodalImageGeometry.Create(width, height, Options.DynamicHd).Layout;

    /// <summary>Processes one image.</summary>
    /// <param name="image">The decoded image.</param>
    /// <returns>The vision model's inputs.</returns>
    /// <exception cref="ArgumentException">The image is too elongated: a resized side would be under 10 pixels.</exception>
    public Phi4MultimodalInputs Process(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var geometry = Phi4MultimodalImageGeometry.Create(image.Width, image.Height, Options.DynamicHd);
        Phi4MultimodalImageLayout layout = geometry.Layout;
        RgbImage resized = PillowResampler.Resize(image, geometry.ResizedWidth, geometry.ResizedHeight, ResampleFilter.Bilinear);
        var canvas = new PaddedCanvas(resized, layout.Width, layout.Height, 0, 0);

        int crops = 1 + layout.CropCount;
        var pixels = new float[crops * 3 * CropPlane];
        var mask = new float[crops * MaskSide * MaskSide];
        canvas.WriteBicubicView(Crop, Normalize, pixels.AsSpan(0, 3 * CropPlane));
        mask.AsSpan(0, MaskSide * MaskSide).Fill(1f);
        for (int row = 0; row < layout.CropRows; row++)
        {
            for (int column = 0; column < layout.CropColumns; column++)
            {
                int slot = 1 + (row * layout.CropColumns) + column;
                canvas.WriteCrop(row * Crop, column * Crop, Crop, Normalize, pixels.AsSpan(slot * 3 * CropPlane, 3 * CropPlane));
                WriteMask(geometry, row, column, mask.AsSpan(slot * MaskSide * MaskSide, MaskSide * MaskSide));
            }
        }

        return new Phi4MultimodalInputs(pixels, mask, layout);
    }

    // The crop's 32 x 32 window of the canvas mask, whose ones are the top-left MaskRows x MaskColumns.
    private static void WriteMask(Phi4MultimodalImageGeometry geometry, int row, int column, Span<float> mask)
    {
        int rows = Math.Clamp(geometry.MaskRows - (row * MaskSide), 0, MaskSide);
        int columns = Math.Clamp(geometry.MaskColumns - (column * MaskSide), 0, MaskSide);
        for (int y = 0; y < rows; y++)
        {
            mask.Slice(y * MaskSide, columns).Fill(1f);
        }
    }
}
