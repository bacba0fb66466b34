using SkiaSharp;
using VisPruner.Imaging.Decoding;

namespace VisPruner.Imaging;

/// <summary>
/// Decodes PNG, JPEG, WebP, GIF, BMP and ICO bytes to <see cref="RgbImage"/> with Skia's codecs, matching Pillow's
/// <c>ImageOps.exif_transpose(Image.open(f)).convert("RGB")</c>: no colour management, alpha dropped without
/// premultiplying, palette and greyscale expanded, the EXIF orientation applied. The documented differences from
/// Pillow are listed in the library's README.
/// </summary>
/// <remarks>
/// <para>
/// Every limit of <see cref="ImageDecoderOptions"/> is checked from the header before pixels are allocated, and
/// <see cref="Identify"/> reads that header alone. Every failure, hostile input included, surfaces as
/// <see cref="InvalidImageException"/> (<see cref="ImageLimitExceededException"/> for a limit). Unsupported formats
/// (TIFF, HEIF, AVIF, JPEG XL, PSD, SVG, PDF...) are named in the message.
/// </para>
/// <para>All members are thread-safe; each call decodes one image and keeps no buffer after it returns.</para>
/// </remarks>
public static class ImageDecoder
{
    /// <summary>Identifies the format from the leading signature bytes.</summary>
    /// <param name="data">The start of the file (12 bytes suffice).</param>
    public static ImageFormat DetectFormat(ReadOnlySpan<byte> data) => ImageSignature.Detect(data);

    /// <summary>
    /// Reads format, size and EXIF orientation from the header without decoding pixels, and checks them against the
    /// limits: a cheap way to size or refuse a request before decoding anything.
    /// </summary>
    /// <param name="data">The whole file (the EXIF orientation of a PNG can sit after its pixel data).</param>
    /// <param name="options">Limits; <see cref="ImageDecoderOptions.Default"/> when null.</param>
    /// <returns>The header; <see cref="ImageHeader.UprightWidth"/> and <see cref="ImageHeader.UprightHeight"/> give the
    /// size <see cref="Decode"/> returns with the orientation applied.</returns>
    /// <exception cref="ImageLimitExceededException">The file or the declared image breaks a limit of <paramref name="options"/>.</exception>
    /// <exception cref="InvalidImageException">The data is not a supported image, or its header is invalid or truncated.</exception>
    public static unsafe ImageHeader Identify(ReadOnlySpan<byte> data, ImageDecoderOptions? options = null)
    {
        options ??= ImageDecoderOptions.Default;
        ImageFormat format = CodecOpener.CheckSignature(data, options);
        fixed (byte* pointer = data)
        {
            using SKCodec codec = CodecOpener.Open(pointer, data.Length, format, options, CancellationToken.None);
            return CodecOpener.ReadHeader(codec, format, data, options);
        }
    }

    /// <summary>Decodes an image held in memory.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="options">Limits; <see cref="ImageDecoderOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Stops the decode, inside the native codec too, within milliseconds (WebP, which
    /// Skia decodes in one call, only before and after that call).</param>
    /// <exception cref="ImageLimitExceededException">The file or the declared image breaks a limit of <paramref name="options"/>.</exception>
    /// <exception cref="InvalidImageException">The data is not a supported, valid image.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static unsafe RgbImage Decode(ReadOnlySpan<byte> data, ImageDecoderOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ImageDecoderOptions.Default;
        cancellationToken.ThrowIfCancellationRequested();
        ImageFormat format = CodecOpener.CheckSignature(data, options);
        fixed (byte* pointer = data)
        {
            using SKCodec codec = CodecOpener.Open(pointer, data.Length, format, options, cancellationToken);
            ImageHeader header = CodecOpener.ReadHeader(codec, format, data, options);
            var writer = new OrientedRgbWriter(header.Width, header.Height, options.ApplyExifOrientation ? header.Orientation : 1);
            (byte, byte, byte)? canvasColor = format == ImageFormat.Gif ? GifCanvasColor.Read(data) : null;
            PixelReader.Read(codec, format, canvasColor, writer, cancellationToken);
            return writer.Image;
        }
    }

    /// <summary>Reads a stream to its end (at most <see cref="ImageDecoderOptions.MaxEncodedBytes"/>) and decodes it.</summary>
    /// <param name="stream">The image file.</param>
    /// <param name="options">Limits; <see cref="ImageDecoderOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the read and the decode.</param>
    /// <exception cref="ImageLimitExceededException">The stream is longer than the limit, or the image breaks one.</exception>
    /// <exception cref="InvalidImageException">The data is not a supported, valid image.</exception>
    public static async Task<RgbImage> DecodeAsync(Stream stream, ImageDecoderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= ImageDecoderOptions.Default;
        byte[] data = await BoundedReader.ReadToEndAsync(stream, options, cancellationToken).ConfigureAwait(false);
        return Decode(data, options, cancellationToken);
    }

    /// <summary>Reads and decodes a file.</summary>
    /// <param name="path">Path of the image file.</param>
    /// <param name="options">Limits; <see cref="ImageDecoderOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the read and the decode.</param>
    /// <exception cref="ImageLimitExceededException">The file, or the image in it, breaks a limit; the message names the file.</exception>
    /// <exception cref="InvalidImageException">The file is not a supported, valid image; the message names the file.</exception>
    public static async Task<RgbImage> DecodeFileAsync(string path, ImageDecoderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return await DecodeAsync(file, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageLimitExceededException e) when (e.OptionName is not null)
        {
            throw new ImageLimitExceededException($"{path}: {e.Message}", e.OptionName, e);
        }
        catch (InvalidImageException e)
        {
            throw new InvalidImageException($"{path}: {e.Message}", e);
        }
    }
}
