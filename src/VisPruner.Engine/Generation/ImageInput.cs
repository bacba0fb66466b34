using VisPruner.Imaging;

namespace VisPruner.Engine.Generation;

/// <summary>An image for a request: encoded bytes (PNG, JPEG, WebP, GIF, BMP or ICO) or a file to read them from.</summary>
public sealed class ImageInput
{
    private ImageInput(ReadOnlyMemory<byte> bytes, string? path)
    {
        Bytes = bytes;
        Path = path;
    }

    /// <summary>Gets the encoded bytes, or an empty value when the image is read from <see cref="Path"/>.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>Gets the file to read, or null for in-memory bytes.</summary>
    public string? Path { get; }

    /// <summary>Creates an input from encoded image bytes.</summary>
    /// <param name="bytes">The encoded image.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is empty.</exception>
    public static ImageInput FromBytes(ReadOnlyMemory<byte> bytes) =>
        bytes.IsEmpty ? throw new ArgumentException("The image has no bytes.", nameof(bytes)) : new(bytes, null);

    /// <summary>Creates an input read from a file when the request runs (before it waits for its turn).</summary>
    /// <param name="path">The image file.</param>
    /// <returns>The input.</returns>
    public static ImageInput FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new(ReadOnlyMemory<byte>.Empty, path);
    }

    /// <summary>
    /// Reads the encoded bytes, at most <paramref name="maxBytes"/> of them. A file must be a regular, non-empty file
    /// (a FIFO or device is refused without being opened: it could block or never end), no larger than the limit.
    /// </summary>
    /// <param name="maxBytes">The most bytes to accept.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidImageException">The path is not a regular, non-empty file.</exception>
    /// <exception cref="ImageLimitExceededException">The image is larger than <paramref name="maxBytes"/>.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> ReadAsync(long maxBytes, CancellationToken cancellationToken)
    {
        if (Path is null)
        {
            return Bytes.Length <= maxBytes ? Bytes : throw TooLarge(Bytes.Length, maxBytes);
        }

        var file = new FileInfo(Path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"The image file {Path} does not exist.", Path);
        }

        // Devices, FIFOs and pseudo-files report no size; a regular image file has one.
        if (file.Length == 0)
        {
            throw new InvalidImageException($"{Path} is not a regular, non-empty file.");
        }

        if (file.Length > maxBytes)
        {
            throw TooLarge(file.Length, maxBytes);
        }

        await using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var buffer = new byte[file.Length];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        // A file that grew since its size was read is refused rather than read without end.
        if (read == buffer.Length && await stream.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
        {
            throw new InvalidImageException($"{Path} changed while it was read.");
        }

        return buffer.AsMemory(0, read);
    }

    private static ImageLimitExceededException TooLarge(long length, long maxBytes) => new(
        $"The image has {length} bytes; the request may carry {maxBytes} more (ImageLimits.MaxEncodedBytes).", "ImageLimits.MaxEncodedBytes");
}
