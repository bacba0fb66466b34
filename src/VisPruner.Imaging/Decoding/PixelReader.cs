using System.Runtime.InteropServices;
using SkiaSharp;

namespace VisPruner.Imaging.Decoding;

/// <summary>
/// Pulls the pixels out of an opened codec as 8-bit RGBA, unpremultiplied and without colour management (no colour
/// space requested, so embedded ICC profiles are ignored, as Pillow ignores them), and hands them to an
/// <see cref="OrientedRgbWriter"/>. Codecs that decode row by row (JPEG, BMP) go through a small band buffer with a
/// cancellation check between bands; the others (PNG, GIF, WebP, ICO) decode into one native frame buffer that is
/// freed as soon as its rows are converted.
/// </summary>
internal static unsafe class PixelReader
{
    /// <summary>RGBA bytes decoded per band between cancellation checks (at least one row).</summary>
    private const int BandBytes = 1 << 20;

    /// <summary>Rows converted from the frame buffer between cancellation checks.</summary>
    private const int RowsPerCheck = 256;

    /// <summary>Decodes every row of the codec's image into <paramref name="writer"/>.</summary>
    /// <param name="codec">The opened codec.</param>
    /// <param name="format">Its format, for messages.</param>
    /// <param name="canvasColor">For GIF: the colour Pillow gives pixels the first frame leaves transparent (alpha 0).</param>
    /// <param name="writer">Receives the rows.</param>
    /// <param name="cancellationToken">Checked between bands, and by the source stream during native decoding.</param>
    public static void Read(SKCodec codec, ImageFormat format, (byte R, byte G, byte B)? canvasColor, OrientedRgbWriter writer, CancellationToken cancellationToken)
    {
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);

        // Progressive JPEG reads its whole input here; cancellation stops those reads (see PinnedSourceStream).
        SKCodecResult start = codec.StartScanlineDecode(info);
        cancellationToken.ThrowIfCancellationRequested();
        switch (start)
        {
            case SKCodecResult.Success:
                ReadBands(codec, info, format, writer, cancellationToken);
                break;
            case SKCodecResult.Unimplemented:
                ReadFrame(codec, info, format, canvasColor, writer, cancellationToken);
                break;
            default:
                throw CodecFailure.Create(format, start);
        }
    }

    private static void ReadBands(SKCodec codec, SKImageInfo info, ImageFormat format, OrientedRgbWriter writer, CancellationToken cancellationToken)
    {
        int rowBytes = info.RowBytes;
        int bandRows = Math.Clamp(BandBytes / rowBytes, 1, info.Height);
        byte[] band = new byte[bandRows * rowBytes];
        fixed (byte* pointer = band)
        {
            for (int done = 0; done < info.Height;)
            {
                int wanted = Math.Min(bandRows, info.Height - done);
                int decoded = codec.GetScanlines((IntPtr)pointer, wanted, rowBytes);
                cancellationToken.ThrowIfCancellationRequested();
                if (decoded < wanted)
                {
                    throw CodecFailure.Create(format, SKCodecResult.IncompleteInput);
                }

                // The band holds its rows top to bottom whatever the decoding order: a bottom-up BMP decodes the
                // last rows first and fills each band from its bottom slot up.
                int top = Math.Min(codec.GetOutputScanline(done), codec.GetOutputScanline(done + decoded - 1));
                for (int i = 0; i < decoded; i++)
                {
                    writer.WriteRow(top + i, band.AsSpan(i * rowBytes, info.Width * 4));
                }

                done += decoded;
            }
        }
    }

    private static void ReadFrame(SKCodec codec, SKImageInfo info, ImageFormat format, (byte R, byte G, byte B)? canvasColor, OrientedRgbWriter writer, CancellationToken cancellationToken)
    {
        // Zeroed pages cost no memory until the decoder writes them, and ZeroInitialized tells Skia not to paint the
        // rest of a short image itself: a truncated file touches only the rows it really holds.
        byte* frame = (byte*)NativeMemory.AllocZeroed((nuint)info.BytesSize64);
        try
        {
            var options = new SKCodecOptions(SKZeroInitialized.Yes);
            SKCodecResult result = codec.StartIncrementalDecode(info, (IntPtr)frame, info.RowBytes, options);
            result = result switch
            {
                SKCodecResult.Success => codec.IncrementalDecode(),
                SKCodecResult.Unimplemented => codec.GetPixels(info, (IntPtr)frame, options), // WebP: one call, no progress
                _ => result,
            };
            cancellationToken.ThrowIfCancellationRequested();
            if (result != SKCodecResult.Success)
            {
                throw CodecFailure.Create(format, result);
            }

            for (int y = 0; y < info.Height; y++)
            {
                if (y % RowsPerCheck == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var row = new Span<byte>(frame + ((long)y * info.RowBytes), info.Width * 4);
                if (canvasColor is { } color)
                {
                    GifCanvasColor.Paint(row, color);
                }

                writer.WriteRow(y, row);
            }
        }
        finally
        {
            NativeMemory.Free(frame);
        }
    }
}
