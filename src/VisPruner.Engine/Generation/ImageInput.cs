namespace VisPruner.Engine.Generation;

/// <summary>An image for a request: encoded bytes (PNG, JPEG or BMP) or a file to read them from.</summary>
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
    /// <param name="bytes">PNG, JPEG or BMP bytes.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is empty.</exception>
    public static ImageInput FromBytes(ReadOnlyMemory<byte> bytes) =>
        bytes.IsEmpty ? throw new ArgumentException("The image has no bytes.", nameof(bytes)) : new(bytes, null);

    /// <summary>Creates an input read from a file when the request runs.</summary>
    /// <param name="path">The image file.</param>
    /// <returns>The input.</returns>
    public static ImageInput FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new(ReadOnlyMemory<byte>.Empty, path);
    }

    /// <summary>Reads the encoded bytes.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> ReadAsync(CancellationToken cancellationToken)
    {
        if (Path is null)
        {
            return Bytes;
        }

        if (!File.Exists(Path))
        {
            throw new FileNotFoundException($"The image file {Path} does not exist.", Path);
        }

        return await File.ReadAllBytesAsync(Path, cancellationToken).ConfigureAwait(false);
    }
}
