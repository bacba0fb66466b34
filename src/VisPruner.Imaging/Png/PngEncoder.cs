using System.Runtime.InteropServices;
using SkiaSharp;

namespace VisPruner.Imaging.Png;

/// <summary>
/// Encodes an <see cref="RgbImage"/> as a PNG file with Skia's encoder (libpng): 8-bit truecolour, not interlaced,
/// no colour profile, libpng's adaptive choice among all five row filters, zlib level 6.
/// </summary>
/// <remarks>All members are thread-safe; an image must not be modified while it is being encoded.</remarks>
public static class PngEncoder
{
    private static readonly SKPngEncoderOptions Settings = new(SKPngEncoderFilterFlags.AllFilters, zLibLevel: 6);

    /// <summary>Writes the PNG file of <paramref name="image"/> to a stream.</summary>
    /// <param name="image">The image to encode.</param>
    /// <param name="destination">A writable stream; left open, positioned after the file.</param>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> or <paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not writable.</exception>
    public static void Encode(RgbImage image, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The destination stream is not writable.", nameof(destination));
        }

        using SKData png = EncodeToData(image);
        png.SaveTo(destination);
    }

    /// <summary>Encodes <paramref name="image"/> into a new byte array holding the PNG file.</summary>
    /// <param name="image">The image to encode.</param>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    public static byte[] EncodeToBytes(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using SKData png = EncodeToData(image);
        return png.ToArray();
    }

    /// <summary>Encodes <paramref name="image"/> and writes it to a file, replacing any existing file.</summary>
    /// <param name="image">The image to encode.</param>
    /// <param name="path">Path of the PNG file to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static async Task SaveAsync(RgbImage image, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] png = EncodeToBytes(image);
        await File.WriteAllBytesAsync(path, png, cancellationToken).ConfigureAwait(false);
    }

    private static unsafe SKData EncodeToData(RgbImage image)
    {
        if ((long)image.Width * 4 > int.MaxValue)
        {
            throw new ArgumentException($"A {image.Width}-pixel-wide image is wider than the encoder's rows can be.", nameof(image));
        }

        // Skia has no 3-byte pixel format: widen to opaque RGBA, which the encoder writes as truecolour without alpha.
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        byte* rgba = (byte*)NativeMemory.Alloc((nuint)info.BytesSize64);
        try
        {
            for (int y = 0; y < image.Height; y++)
            {
                ReadOnlySpan<byte> rgb = image.GetRow(y);
                var widened = new Span<byte>(rgba + ((long)y * info.RowBytes), info.RowBytes);
                for (int i = 0, o = 0; i < rgb.Length; i += 3, o += 4)
                {
                    widened[o] = rgb[i];
                    widened[o + 1] = rgb[i + 1];
                    widened[o + 2] = rgb[i + 2];
                    widened[o + 3] = 0xFF;
                }
            }

            using var pixmap = new SKPixmap(info, (IntPtr)rgba, info.RowBytes);
            return pixmap.Encode(Settings) ?? throw new InvalidOperationException($"Skia could not encode a {image.Width}x{image.Height} image as PNG.");
        }
        finally
        {
            NativeMemory.Free(rgba);
        }
    }
}
