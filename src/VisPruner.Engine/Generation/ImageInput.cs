using VisPruner.Imaging;

namespace VisPruner.Engine.Generation;

/// <summary>An image for a request: encoded bytes (PNG, JPEG, WebP, GIF, BMP or ICO) or a file to read them from.</summary>
public sealed class ImageInput
{
    private readonly Func<FileStream>? _open;

    private ImageInput(ReadOnlyMemory<byte> bytes, string? path, Func<FileStream>? open)
    {
        Bytes = bytes;
        Path = path;
        _open = open;
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
        bytes.IsEmpty ? throw new ArgumentException("The image has no bytes.", nameof(bytes)) : new(bytes, null, null);

    /// <summary>Creates an input read from a file when the request runs (before it waits for its turn).</summary>
    /// <param name="path">The image file.</param>
    /// <returns>The input.</returns>
    public static ImageInput FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new(ReadOnlyMemory<byte>.Empty, path, () => OpenRegularFile(path));
    }

    /// <summary>
    /// Creates an input read, when the request runs, from the file that <paramref name="open"/> opens: for a caller whose
    /// check of the file must hold for the file actually read (a path checked earlier may name another file by then).
    /// </summary>
    /// <param name="path">The image file, named in errors.</param>
    /// <param name="open">
    /// Opens the file for reading, or throws to refuse it. It must not open a FIFO or device (the open could block). The
    /// engine disposes the stream and reads it only if it is a regular, non-empty file within the byte limit.
    /// </param>
    /// <returns>The input.</returns>
    public static ImageInput FromFile(string path, Func<FileStream> open)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(open);
        return new(ReadOnlyMemory<byte>.Empty, path, open);
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
        if (_open is null)
        {
            return Bytes.Length <= maxBytes ? Bytes : throw TooLarge(Bytes.Length, maxBytes);
        }

        await using FileStream stream = _open();

        // Checked again on the opened file: the path may have been replaced since it was looked at.
        long length = stream.CanSeek ? stream.Length : 0;
        if (length == 0)
        {
            throw NotRegular(Path);
        }

        if (length > maxBytes)
        {
            throw TooLarge(length, maxBytes);
        }

        var buffer = new byte[length];
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

    private static FileStream OpenRegularFile(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"The image file {path} does not exist.", path);
        }

        // Devices, FIFOs and pseudo-files report no size; a regular image file has one. Opening a FIFO could block.
        return file.Length == 0
            ? throw NotRegular(path)
            : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    private static InvalidImageException NotRegular(string? path) => new($"{path} is not a regular, non-empty file.");

    private static ImageLimitExceededException TooLarge(long length, long maxBytes) => new(
        $"The image has {length} bytes; the request may carry {maxBytes} more (ImageLimits.MaxEncodedBytes).", "ImageLimits.MaxEncodedBytes");
}
