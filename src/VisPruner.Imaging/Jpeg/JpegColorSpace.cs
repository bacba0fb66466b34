namespace VisPruner.Imaging.Jpeg;

/// <summary>How the decoded components map to colour, decided as libjpeg does (component count, JFIF, Adobe).</summary>
internal enum JpegColorSpace
{
    Grayscale,
    YCbCr,
    Rgb,
    Cmyk,
    Ycck,
}
