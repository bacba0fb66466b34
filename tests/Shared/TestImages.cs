namespace VisPruner.Tests.Shared;

/// <summary>Real image files for tests, encoded here as 24-bit BMP (a format the engine's decoder reads).</summary>
internal static class TestImages
{
    /// <summary>A width x height picture: a colour gradient with a dark square whose corner depends on <paramref name="variant"/>.</summary>
    public static byte[] Bmp(int width, int height, int variant = 0)
    {
        int stride = ((width * 3) + 3) & ~3;
        byte[] file = new byte[54 + (stride * height)];
        "BM"u8.CopyTo(file);
        BitConverter.TryWriteBytes(file.AsSpan(2), file.Length);
        BitConverter.TryWriteBytes(file.AsSpan(10), 54);
        BitConverter.TryWriteBytes(file.AsSpan(14), 40);
        BitConverter.TryWriteBytes(file.AsSpan(18), width);
        BitConverter.TryWriteBytes(file.AsSpan(22), height);
        BitConverter.TryWriteBytes(file.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(file.AsSpan(28), (short)24);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + ((height - 1 - y) * stride);
            for (int x = 0; x < width; x++)
            {
                bool square = x / (width / 4) == variant % 4 && y / (height / 4) == (variant / 4) % 4;
                file[row + (3 * x) + 2] = square ? (byte)20 : (byte)(255 * x / width);
                file[row + (3 * x) + 1] = square ? (byte)20 : (byte)(255 * y / height);
                file[row + (3 * x)] = square ? (byte)20 : (byte)128;
            }
        }

        return file;
    }
}
