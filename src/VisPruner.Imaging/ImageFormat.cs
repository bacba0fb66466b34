namespace VisPruner.Imaging;

/// <summary>The image formats <see cref="ImageDecoder"/> decodes, recognised by their signature bytes.</summary>
public enum ImageFormat
{
    /// <summary>The signature matches no supported format.</summary>
    Unknown = 0,

    /// <summary>Portable Network Graphics (APNG: the default image).</summary>
    Png,

    /// <summary>JPEG (JFIF/EXIF; baseline or progressive; greyscale, YCbCr, RGB, CMYK or YCCK).</summary>
    Jpeg,

    /// <summary>Windows bitmap.</summary>
    Bmp,

    /// <summary>Graphics Interchange Format (animated: the first frame).</summary>
    Gif,

    /// <summary>WebP, lossy or lossless (animated: the first frame).</summary>
    WebP,

    /// <summary>Windows icon (the entry the codec picks as the main image).</summary>
    Ico,
}
