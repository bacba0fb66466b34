namespace VisPruner.Imaging;

/// <summary>
/// What an image file declares about itself, read by <see cref="ImageDecoder.Identify"/> without decoding pixels.
/// </summary>
/// <param name="Format">The container format.</param>
/// <param name="Width">Width of the stored pixels.</param>
/// <param name="Height">Height of the stored pixels.</param>
/// <param name="Orientation">The EXIF orientation tag, 1 (upright) to 8; 1 when the file has none.</param>
public readonly record struct ImageHeader(ImageFormat Format, int Width, int Height, int Orientation)
{
    /// <summary>Whether the orientation swaps width and height (EXIF 5 to 8: the image is stored rotated by 90 degrees).</summary>
    public bool SwapsAxes => Orientation >= 5;

    /// <summary>Width of the image as <see cref="ImageDecoder.Decode"/> returns it when it applies the orientation (the default).</summary>
    public int UprightWidth => SwapsAxes ? Height : Width;

    /// <summary>Height of the image as <see cref="ImageDecoder.Decode"/> returns it when it applies the orientation (the default).</summary>
    public int UprightHeight => SwapsAxes ? Width : Height;

    /// <summary><c>Width * Height</c>.</summary>
    public long PixelCount => (long)Width * Height;
}
