namespace VisPruner.Imaging.Gemma3;

/// <summary>The vision model's input for one image: <c>pixel_values</c> [1, 3, 896, 896], RGB planes in [-1, 1].</summary>
public sealed class Gemma3Inputs
{
    private readonly float[] _pixelValues;

    internal Gemma3Inputs(float[] pixelValues) => _pixelValues = pixelValues;

    /// <summary>Gets <c>pixel_values</c>, row-major float32 with shape <see cref="PixelValuesShape"/>.</summary>
    public Memory<float> PixelValues => _pixelValues;

    /// <summary>Gets the shape of <see cref="PixelValues"/>: [1, 3, 896, 896].</summary>
    public IReadOnlyList<long> PixelValuesShape { get; } = [1, 3, Gemma3ImageProcessor.ImageSize, Gemma3ImageProcessor.ImageSize];
}
