namespace VisPruner.Imaging.Gemma3;

/// <summary>Settings of the Gemma 3 image processor.</summary>
public sealed class Gemma3ProcessorOptions
{
    /// <summary>
    /// Gets how the image is resized to 896 x 896. Default <see cref="Gemma3Interpolation.Bilinear"/>, as Hugging Face's
    /// Gemma 3 processor resizes; a model folder's <c>processor_config.json</c> states its own (see
    /// <see cref="Gemma3ProcessorConfig"/>).
    /// </summary>
    public Gemma3Interpolation Interpolation { get; init; } = Gemma3Interpolation.Bilinear;

    internal void Validate()
    {
        if (!Enum.IsDefined(Interpolation))
        {
            throw new ArgumentOutOfRangeException(nameof(Interpolation), Interpolation, "Interpolation must be Bilinear or Bicubic.");
        }
    }
}

/// <summary>The resampling filters of the Gemma 3 resize, with Pillow's arithmetic (antialiased when shrinking).</summary>
public enum Gemma3Interpolation
{
    /// <summary>Pillow's bilinear filter (<c>LINEAR</c> in an ONNX Runtime GenAI processor configuration).</summary>
    Bilinear,

    /// <summary>Pillow's bicubic filter, a = -0.5 (<c>CUBIC</c>).</summary>
    Bicubic,
}
