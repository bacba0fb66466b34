namespace VisPruner.Engine.Generation;

/// <summary>
/// Caps on what one request may ask of the engine's image side, checked from the files' headers before anything is
/// decoded, so a request's memory and time stay bounded whatever it carries. Bindable from configuration.
/// </summary>
public sealed class ImageLimits
{
    /// <summary>Gets or sets the most images one request may carry. Default 8.</summary>
    public int MaxImagesPerRequest { get; set; } = 8;

    /// <summary>
    /// Gets or sets the largest image, in pixels. Decoding takes up to about 11 bytes per pixel at its peak (one image at a
    /// time), so the default of 50 million keeps it near half a gigabyte.
    /// </summary>
    public long MaxPixelsPerImage { get; set; } = 50_000_000;

    /// <summary>Gets or sets the most pixels all images of one request may have together. Default 100 million.</summary>
    public long MaxTotalPixels { get; set; } = 100_000_000;

    /// <summary>Gets or sets the most encoded bytes all images of one request may have together. Default 50 MB.</summary>
    public long MaxEncodedBytes { get; set; } = 50_000_000;

    /// <summary>Gets or sets the most elongated image accepted, longer side over shorter side. Default 100 (100:1).</summary>
    public double MaxAspectRatio { get; set; } = 100;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (the message names it).</exception>
    public void Validate()
    {
        if (Problems().FirstOrDefault() is { Name: not null } problem)
        {
            throw new ArgumentOutOfRangeException(problem.Name, problem.Value, "ImageLimits." + problem.Message);
        }
    }

    // Each message starts with the setting's name.
    internal IEnumerable<(string Name, object Value, string Message)> Problems()
    {
        if (MaxImagesPerRequest < 0)
        {
            yield return (nameof(MaxImagesPerRequest), MaxImagesPerRequest, $"{nameof(MaxImagesPerRequest)} ({MaxImagesPerRequest}) must not be negative.");
        }

        if (MaxPixelsPerImage <= 0)
        {
            yield return (nameof(MaxPixelsPerImage), MaxPixelsPerImage, $"{nameof(MaxPixelsPerImage)} ({MaxPixelsPerImage}) must be positive.");
        }

        if (MaxTotalPixels <= 0)
        {
            yield return (nameof(MaxTotalPixels), MaxTotalPixels, $"{nameof(MaxTotalPixels)} ({MaxTotalPixels}) must be positive.");
        }

        if (MaxEncodedBytes <= 0)
        {
            yield return (nameof(MaxEncodedBytes), MaxEncodedBytes, $"{nameof(MaxEncodedBytes)} ({MaxEncodedBytes}) must be positive.");
        }

        if (!(double.IsFinite(MaxAspectRatio) && MaxAspectRatio >= 1))
        {
            yield return (nameof(MaxAspectRatio), MaxAspectRatio, $"{nameof(MaxAspectRatio)} ({MaxAspectRatio}) must be a finite ratio of at least 1.");
        }
    }
}
