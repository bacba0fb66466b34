namespace VisPruner.Imaging.Phi4Multimodal;

/// <summary>
/// The vision model's inputs for one image: <c>pixel_values</c> [1, 1 + crops, 3, 448, 448] (global view first, then the
/// sub-crops row by row), <c>image_attention_mask</c> [1, 1 + crops, 32, 32] (1 for a patch of image, 0 for one of
/// padding; the global view's is all ones) and <c>image_sizes</c> [1, 2] as (h, w) of the HD canvas.
/// </summary>
public sealed class Phi4MultimodalInputs
{
    private readonly float[] _pixelValues;
    private readonly float[] _attentionMask;
    private readonly long[] _imageSizes;

    internal Phi4MultimodalInputs(float[] pixelValues, float[] attentionMask, Phi4MultimodalImageLayout layout)
    {
        _pixelValues = pixelValues;
        _attentionMask = attentionMask;
        _imageSizes = [layout.Height, layout.Width];
        Layout = layout;
        int crops = 1 + layout.CropCount;
        PixelValuesShape = [1, crops, 3, Phi4MultimodalImageLayout.CropSize, Phi4MultimodalImageLayout.CropSize];
        AttentionMaskShape = [1, crops, Phi4MultimodalImageLayout.MaskSide, Phi4MultimodalImageLayout.MaskSide];
    }

    /// <summary>Gets <c>pixel_values</c>, row-major float32 with shape <see cref="PixelValuesShape"/>.</summary>
    public Memory<float> PixelValues => _pixelValues;

    /// <summary>Gets the shape of <see cref="PixelValues"/>: [1, 1 + crops, 3, 448, 448].</summary>
    public IReadOnlyList<long> PixelValuesShape { get; }

    /// <summary>Gets <c>image_attention_mask</c>, row-major float32 with shape <see cref="AttentionMaskShape"/>.</summary>
    public Memory<float> AttentionMask => _attentionMask;

    /// <summary>Gets the shape of <see cref="AttentionMask"/>: [1, 1 + crops, 32, 32].</summary>
    public IReadOnlyList<long> AttentionMaskShape { get; }

    /// <summary>Gets <c>image_sizes</c>, int64 [1, 2]: the HD canvas's height then width.</summary>
    public ReadOnlyMemory<long> ImageSizes => _imageSizes;

    /// <summary>Gets the crop grid and token layout.</summary>
    public Phi4MultimodalImageLayout Layout { get; }
}
