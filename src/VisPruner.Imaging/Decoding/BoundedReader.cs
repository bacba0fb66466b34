namespace VisPruner.Imaging.Decoding;

/// <summary>Reads a stream into one array, refusing to go past <see cref="ImageDecoderOptions.MaxEncodedBytes"/>.</summary>
internal static class BoundedReader
{
    private const int ChunkSize = 81920;

    public static async Task<byte[]> ReadToEndAsync(Stream stream, ImageDecoderOptions options, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
        {
            // The length is known: check it before reading a byte, and read into an array of exactly that size.
            long remaining = stream.Length - stream.Position;
            CheckLength(remaining, options);
            byte[] exact = new byte[remaining];
            await stream.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return exact;
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[ChunkSize];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            CheckLength(buffer.Length + read, options);
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static void CheckLength(long length, ImageDecoderOptions options)
    {
        options.CheckEncodedLength(length);
        if (length > Array.MaxLength)
        {
            throw new InvalidImageException($"The image file is {length:N0} bytes, more than one .NET array can hold.");
        }
    }
}
