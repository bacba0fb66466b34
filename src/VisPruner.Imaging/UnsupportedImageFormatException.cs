namespace VisPruner.Imaging;

/// <summary>
/// The data is not in a supported image format (PNG, JPEG, WebP, GIF, BMP or ICO); the message names the format it is in
/// when it is a known one (TIFF, HEIF, AVIF, ...).
/// </summary>
public class UnsupportedImageFormatException : InvalidImageException
{
    /// <summary>Initializes a new instance of the <see cref="UnsupportedImageFormatException"/> class.</summary>
    public UnsupportedImageFormatException()
        : this("The image format is not supported.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnsupportedImageFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    public UnsupportedImageFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnsupportedImageFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public UnsupportedImageFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
