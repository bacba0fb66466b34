using System.Buffers.Binary;

namespace VisPruner.Imaging.Decoding;

/// <summary>
/// Recognises formats by their leading bytes: the supported ones, and common unsupported ones so that the error can
/// name what was sent.
/// </summary>
internal static class ImageSignature
{
    public const string SupportedList = "PNG, JPEG, WebP, GIF, BMP or ICO";

    private static ReadOnlySpan<byte> Png => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> IconDirectory => [0, 0, 1, 0];

    private static ReadOnlySpan<byte> CursorDirectory => [0, 0, 2, 0];

    private static ReadOnlySpan<byte> JpegXlCodestream => [0xFF, 0x0A];

    private static ReadOnlySpan<byte> JpegXlContainer => [0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ', 0x0D, 0x0A, 0x87, 0x0A];

    private static ReadOnlySpan<byte> Jpeg2000Container => [0, 0, 0, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' ', 0x0D, 0x0A, 0x87, 0x0A];

    private static ReadOnlySpan<byte> Jpeg2000Codestream => [0xFF, 0x4F, 0xFF, 0x51];

    private static ReadOnlySpan<byte> OpenExr => [0x76, 0x2F, 0x31, 0x01];

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(Png))
        {
            return ImageFormat.Png;
        }

        if (data.StartsWith(Jpeg))
        {
            return ImageFormat.Jpeg;
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        if (data.StartsWith("BM"u8))
        {
            return ImageFormat.Bmp;
        }

        // ICONDIR: reserved 0, type 1 (icon), at least one entry.
        return data.Length >= 6 && data.StartsWith(IconDirectory) && BinaryPrimitives.ReadUInt16LittleEndian(data[4..]) > 0
            ? ImageFormat.Ico
            : ImageFormat.Unknown;
    }

    /// <summary>The name of a recognised but unsupported format, or null.</summary>
    public static string? NameUnsupported(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8) || data.StartsWith("II+\0"u8) || data.StartsWith("MM\0+"u8))
        {
            return "TIFF";
        }

        if (data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8))
        {
            return IsoMediaBrand(data[8..12]);
        }

        if (data.StartsWith(JpegXlCodestream) || data.StartsWith(JpegXlContainer))
        {
            return "JPEG XL";
        }

        if (data.StartsWith(Jpeg2000Container) || data.StartsWith(Jpeg2000Codestream))
        {
            return "JPEG 2000";
        }

        if (data.StartsWith("8BPS"u8))
        {
            return "PSD (Photoshop)";
        }

        if (data.StartsWith("%PDF-"u8))
        {
            return "PDF";
        }

        if (data.StartsWith(OpenExr))
        {
            return "OpenEXR";
        }

        if (data.StartsWith("qoif"u8))
        {
            return "QOI";
        }

        if (data.StartsWith(CursorDirectory))
        {
            return "CUR (cursor)";
        }

        return LooksLikeSvg(data) ? "SVG" : null;
    }

    /// <summary>HEIF and AVIF are ISO base media files; so are MP4 and QuickTime videos.</summary>
    private static string IsoMediaBrand(ReadOnlySpan<byte> brand)
    {
        if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8))
        {
            return "AVIF";
        }

        return brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("hevc"u8) || brand.SequenceEqual("hevx"u8)
            || brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8)
            ? "HEIF/HEIC"
            : "ISO media (MP4/QuickTime video)";
    }

    /// <summary>XML or an SVG root within the first kilobyte, after an optional byte order mark and whitespace.</summary>
    private static bool LooksLikeSvg(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> head = data[..Math.Min(data.Length, 1024)];
        if (head.StartsWith(Utf8ByteOrderMark))
        {
            head = head[3..];
        }

        head = head.TrimStart(" \t\r\n"u8);
        return (head.StartsWith("<?xml"u8) || head.StartsWith("<svg"u8) || head.StartsWith("<!DOCTYPE svg"u8)) && head.IndexOf("<svg"u8) >= 0;
    }
}
