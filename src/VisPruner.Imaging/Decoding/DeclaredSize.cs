using System.Buffers.Binary;

namespace VisPruner.Imaging.Decoding;

/// <summary>
/// The size a header states, read directly from the bytes. Used only when Skia refuses a header, so that an image
/// refused for being oversized (libpng caps widths at 1,000,000, libjpeg sides at 65,500) is reported against the
/// limit it also breaks here rather than as a vague header error. The codec remains the authority on valid files.
/// </summary>
internal static class DeclaredSize
{
    private static ReadOnlySpan<byte> StartOfFrameMarkers => [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF];

    public static (long Width, long Height)? TryRead(ImageFormat format, ReadOnlySpan<byte> data) => format switch
    {
        ImageFormat.Png when data.Length >= 24 => (BinaryPrimitives.ReadUInt32BigEndian(data[16..]), BinaryPrimitives.ReadUInt32BigEndian(data[20..])),
        ImageFormat.Jpeg => FromJpeg(data),
        _ => null,
    };

    private static (long Width, long Height)? FromJpeg(ReadOnlySpan<byte> data)
    {
        var segments = new JpegSegmentReader(data);
        while (segments.MoveNext())
        {
            if (StartOfFrameMarkers.Contains(segments.Marker) && segments.Body.Length >= 5)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(segments.Body[3..]), BinaryPrimitives.ReadUInt16BigEndian(segments.Body[1..]));
            }
        }

        return null;
    }
}
