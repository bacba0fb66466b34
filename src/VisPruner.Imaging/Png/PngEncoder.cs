using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace VisPruner.Imaging.Png;

/// <summary>
/// Encodes an <see cref="RgbImage"/> as a PNG file: 8-bit truecolour, not interlaced, each row filtered with
/// whichever of the five PNG filters gives the smallest sum of absolute differences (libpng's heuristic), then
/// deflated with the runtime's zlib.
/// </summary>
/// <remarks>All members are thread-safe; an image must not be modified while it is being encoded.</remarks>
public static class PngEncoder
{
    private const int BytesPerPixel = 3;

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

        destination.Write(PngChunkWriter.Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)image.Height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour
        header[10..].Clear(); // deflate, adaptive filtering, no interlace
        PngChunkWriter.Write(destination, "IHDR"u8, header);

        var idat = new IdatChunkStream(destination);
        using (var zlib = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
        {
            WriteFilteredRows(image, zlib);
        }

        idat.Complete();
        PngChunkWriter.Write(destination, "IEND"u8, []);
    }

    /// <summary>Encodes <paramref name="image"/> into a new byte array holding the PNG file.</summary>
    /// <param name="image">The image to encode.</param>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    public static byte[] EncodeToBytes(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var buffer = new MemoryStream();
        Encode(image, buffer);
        return buffer.ToArray();
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

    private static void WriteFilteredRows(RgbImage image, Stream output)
    {
        int stride = image.Width * BytesPerPixel;
        int candidateLength = 1 + stride; // filter type byte, then the filtered row
        byte[] buffer = ArrayPool<byte>.Shared.Rent((PngFilters.Count * candidateLength) + stride);
        try
        {
            Span<byte> zeroRow = buffer.AsSpan(PngFilters.Count * candidateLength, stride);
            zeroRow.Clear();
            for (int y = 0; y < image.Height; y++)
            {
                ReadOnlySpan<byte> row = image.GetRow(y);
                ReadOnlySpan<byte> previous = y > 0 ? image.GetRow(y - 1) : zeroRow;
                int best = 0;
                long bestCost = long.MaxValue;
                for (int filter = 0; filter < PngFilters.Count; filter++)
                {
                    Span<byte> candidate = buffer.AsSpan(filter * candidateLength, candidateLength);
                    candidate[0] = (byte)filter;
                    long cost = PngFilters.Apply((byte)filter, row, previous, BytesPerPixel, candidate[1..]);
                    if (cost < bestCost)
                    {
                        (best, bestCost) = (filter, cost);
                    }
                }

                output.Write(buffer, best * candidateLength, candidateLength);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
