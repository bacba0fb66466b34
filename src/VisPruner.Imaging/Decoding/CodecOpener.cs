using SkiaSharp;

namespace VisPruner.Imaging.Decoding;

/// <summary>
/// Checks what can be checked from the bytes alone (size, signature), opens a Skia codec over them, which parses the
/// header without decoding pixels, and checks the declared size against the limits.
/// </summary>
internal static unsafe class CodecOpener
{
    /// <summary>Icons are at most 256x256 (their directory cannot state more); refusing larger embedded images keeps
    /// ICO, which Skia decodes in one uninterruptible call, cheap.</summary>
    private const int MaxIconSide = 256;

    /// <summary>Validates size and signature and returns the format.</summary>
    public static ImageFormat CheckSignature(ReadOnlySpan<byte> data, ImageDecoderOptions options)
    {
        if (data.IsEmpty)
        {
            throw new InvalidImageException("The image data is empty.");
        }

        options.CheckEncodedLength(data.Length);
        ImageFormat format = ImageSignature.Detect(data);
        if (format != ImageFormat.Unknown)
        {
            return format;
        }

        string? unsupported = ImageSignature.NameUnsupported(data);
        throw new UnsupportedImageFormatException(unsupported is not null
            ? $"{unsupported} images are not supported; send {ImageSignature.SupportedList}."
            : $"Unrecognised image data: the first bytes match no supported format ({ImageSignature.SupportedList}).");
    }

    /// <summary>
    /// Opens the codec over memory the caller keeps pinned for the codec's lifetime. Formats Skia buffers whole
    /// (WebP, ICO) get the memory directly; the others read through a <see cref="PinnedSourceStream"/>, which stops
    /// feeding them once <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static SKCodec Open(byte* data, int length, ImageFormat format, ImageDecoderOptions options, CancellationToken cancellationToken)
    {
        SKStream stream;
        if (format is ImageFormat.WebP or ImageFormat.Ico)
        {
            using SKData inPlace = SKData.Create((IntPtr)data, length); // the stream keeps its own reference
            stream = new SKMemoryStream(inPlace);
        }
        else
        {
            stream = new PinnedSourceStream(data, length, cancellationToken);
        }

        // The codec owns the stream from here on, and deletes it even when creation fails.
        SKCodec? codec = SKCodec.Create(stream, out SKCodecResult result);
        if (cancellationToken.IsCancellationRequested)
        {
            codec?.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (codec is null)
        {
            if (DeclaredSize.TryRead(format, new ReadOnlySpan<byte>(data, length)) is (long width, long height))
            {
                options.CheckDimensions(format, width, height);
            }

            throw CodecFailure.Header(format, result);
        }

        if (ToImageFormat(codec.EncodedFormat) != format)
        {
            codec.Dispose();
            throw new InvalidImageException($"The file starts like {format.DisplayName()}, but its content is {codec.EncodedFormat}.");
        }

        return codec;
    }

    /// <summary>Reads the header from an opened codec and applies every limit.</summary>
    public static ImageHeader ReadHeader(SKCodec codec, ImageFormat format, ReadOnlySpan<byte> data, ImageDecoderOptions options)
    {
        int width = codec.Info.Width, height = codec.Info.Height;
        options.CheckDimensions(format, width, height);
        if (format == ImageFormat.Ico && (width > MaxIconSide || height > MaxIconSide))
        {
            throw new InvalidImageException($"ICO image is {width}x{height}; icons larger than {MaxIconSide}x{MaxIconSide}, the format's maximum, are not supported.");
        }

        EncodedSizeCheck.Check(format, width, height, data.Length);
        return new ImageHeader(format, width, height, ExifLocator.ReadOrientation(format, data));
    }

    private static ImageFormat ToImageFormat(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Png => ImageFormat.Png,
        SKEncodedImageFormat.Jpeg => ImageFormat.Jpeg,
        SKEncodedImageFormat.Bmp => ImageFormat.Bmp,
        SKEncodedImageFormat.Gif => ImageFormat.Gif,
        SKEncodedImageFormat.Webp => ImageFormat.WebP,
        SKEncodedImageFormat.Ico => ImageFormat.Ico,
        _ => ImageFormat.Unknown,
    };
}
