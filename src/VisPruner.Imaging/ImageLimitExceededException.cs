namespace VisPruner.Imaging;

/// <summary>
/// Thrown when an image breaks one of the <see cref="ImageDecoderOptions"/> limits (pixels, aspect ratio, file size).
/// The message names the limit; <see cref="OptionName"/> names the option property that sets it.
/// </summary>
public class ImageLimitExceededException : InvalidImageException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ImageLimitExceededException()
        : base("The image exceeds a decoder limit.")
    {
    }

    /// <summary>Creates the exception with a message stating the limit.</summary>
    /// <param name="message">Which limit the image breaks, and by how much.</param>
    public ImageLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message stating the limit and the option property that sets it.</summary>
    /// <param name="message">Which limit the image breaks, and by how much.</param>
    /// <param name="optionName">The <see cref="ImageDecoderOptions"/> property, for example <c>MaxPixels</c>.</param>
    /// <param name="innerException">The failure this one restates, if any.</param>
    public ImageLimitExceededException(string message, string optionName, Exception? innerException = null)
        : base(message, innerException!)
    {
        OptionName = optionName;
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    /// <param name="message">Which limit the image breaks.</param>
    /// <param name="innerException">The failure that revealed the problem.</param>
    public ImageLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The <see cref="ImageDecoderOptions"/> property whose limit was exceeded, for example <c>MaxPixels</c>.</summary>
    public string? OptionName { get; }
}
