using VisPruner.Imaging.Bmp;
using VisPruner.Imaging.Jpeg;
using VisPruner.Imaging.Png;

namespace VisPruner.Imaging;

/// <summary>
/// Decodes PNG, JPEG and BMP bytes to <see cref="RgbImage"/>, matching Pillow's
/// <c>ImageOps.exif_transpose(Image.open(f)).convert("RGB")</c>: alpha dropped, 16-bit samples reduced to their
/// high byte, JPEG sample-exact with libjpeg-turbo's default decoding. One deliberate difference: 16-bit greyscale
/// PNG keeps its high byte, where Pillow clips the values to white.
/// </summary>
/// <remarks>
/// Every failure, including hostile input, surfaces as <see cref="InvalidImageException"/>. Not supported (rejected
/// with that exception): arithmetic-coded, lossless, hierarchical and 12-bit JPEG, JPEG without Huffman tables
/// (motion-JPEG frames), RLE-compressed BMP. All members are thread-safe.
/// </remarks>
public static class ImageDecoder
{
    /// <summary>Identifies the format from the leading signature bytes.</summary>
    /// <param name="data">The start of the file (8 bytes suffice).</param>
    public static ImageFormat DetectFormat(ReadOnlySpan<byte> data)
    {
        if (PngDecoder.HasSignature(data))
        {
            return ImageFormat.Png;
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        return data.Length >= 2 && data[0] == (byte)'B' && data[1] == (byte)'M' ? ImageFormat.Bmp : ImageFormat.Unknown;
    }

    /// <summary>Decodes an image held in memory.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="options">Limits; <see cref="ImageDecoderOptions.Default"/> when null.</param>
    /// <exception cref="InvalidImageException">The data is not a supported, valid image within the limits.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecoderOptions? options = null)
    {
        options ??= ImageDecoderOptions.Default;
        return DetectFormat(data) switch
        {
            ImageFormat.Png => PngDecoder.Decode(data, options),
            ImageFormat.Jpeg => JpegDecoder.Decode(data, options),
            ImageFormat.Bmp => BmpDecoder.Decode(data, options),
            _ => throw new InvalidImageException(
                data.IsEmpty ? "The image data is empty." : "Unrecognised image signature: expected PNG, JPEG or BMP."),
        };
    }

    /// <summary>Reads a stream to its end and decodes it.</summary>
    /// <param name="stream">The image file.</param>
    /// <param name="options">Limits; <see cref="ImageDecoderOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidImageException">The data is not a supported, valid image within the limits.</exception>
    public static async Task<RgbImage> DecodeAsync(Stream stream, ImageDecoderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options);
    }

    /// <summary>Reads and decodes a file.</summary>
    /// <param name="path">Path of the image file.</param>
    /// <param name="options">Limits; <see cref="ImageDecoderOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidImageException">The file is not a supported, valid image within the limits.</exception>
    public static async Task<RgbImage> DecodeFileAsync(string path, ImageDecoderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] data = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return Decode(data, options);
        }
        catch (InvalidImageException e)
        {
            throw new InvalidImageException($"{path}: {e.Message}", e);
        }
    }
}
