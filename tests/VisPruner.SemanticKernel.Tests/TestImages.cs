namespace VisPruner.SemanticKernel.Tests;

/// <summary>Images made in code as 24-bit BMP files, a format the engine decodes.</summary>
internal static class TestImages
{
    /// <summary>A width x height picture: a diagonal colour ramp with a dark band whose place depends on <paramref name="variant"/>.</summary>
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
            for (int x = 0; x < width; x++)
            {
                int pixel = 54 + ((height - 1 - y) * stride) + (3 * x);
                bool band = (x + y + (variant * 37)) % 97 < 12;
                file[pixel] = band ? (byte)10 : (byte)(255 * y / height);
                file[pixel + 1] = band ? (byte)10 : (byte)((x + y) % 256);
                file[pixel + 2] = band ? (byte)10 : (byte)(255 * x / width);
            }
        }

        return file;
    }
}
