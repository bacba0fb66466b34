namespace VisPruner.Imaging.Decoding;

/// <summary>How messages spell the formats.</summary>
internal static class ImageFormatNames
{
    public static string DisplayName(this ImageFormat format) => format switch
    {
        ImageFormat.WebP => "WebP",
        ImageFormat.Unknown => "Unknown",
        _ => format.ToString().ToUpperInvariant(),
    };
}
