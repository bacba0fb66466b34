namespace VisPruner.Imaging;

/// <summary>Container formats the decoders recognise by their signature bytes.</summary>
public enum ImageFormat
{
    /// <summary>The signature matches no supported format.</summary>
    Unknown = 0,

    /// <summary>Portable Network Graphics.</summary>
    Png,

    /// <summary>JPEG (JFIF/EXIF, baseline or progressive Huffman).</summary>
    Jpeg,

    /// <summary>Windows bitmap.</summary>
    Bmp,
}
