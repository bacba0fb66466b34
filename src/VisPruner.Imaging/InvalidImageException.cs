namespace VisPruner.Imaging;

/// <summary>
/// Thrown when image bytes cannot be decoded: unknown or unsupported format, corrupt or truncated data, or a limit of
/// <see cref="ImageDecoderOptions"/> exceeded (then as <see cref="ImageLimitExceededException"/>). The message states the reason.
/// </summary>
public class InvalidImageException : FormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public InvalidImageException()
        : base("The image data is invalid.")
    {
    }

    /// <summary>Creates the exception with a message stating the reason.</summary>
    /// <param name="message">Why the image was rejected.</param>
    public InvalidImageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    /// <param name="message">Why the image was rejected.</param>
    /// <param name="innerException">The failure that revealed the problem.</param>
    public InvalidImageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
