using System.Security.Cryptography;
using System.Text.Json;
using VisPruner.Imaging.Processing;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// The resampler keeps Pillow's exact results where its bounded weight table must be filled many times or cannot
/// hold one window (Fixtures/resampler.json, from generate_resampler.py), and allocates little beyond its output.
/// </summary>
public class ResamplerTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, LoadCases().Length)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Very_long_images_resize_like_pillow_with_bounded_memory(int index)
    {
        ResampleCase c = LoadCases()[index];
        RgbImage source = Source(c.Width, c.Height);

        long before = GC.GetAllocatedBytesForCurrentThread();
        RgbImage resized = PillowResampler.Resize(source, c.OutWidth, c.OutHeight, c.Filter == "bilinear" ? ResampleFilter.Bilinear : ResampleFilter.Bicubic);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(c.Sha256, Convert.ToHexStringLower(SHA256.HashData(resized.Pixels)));
        long output = (long)c.OutWidth * c.OutHeight * 3;
        Assert.True(allocated < output + (2L << 20), $"{allocated:N0} bytes allocated for a {output:N0}-byte output");
    }

    private static RgbImage Source(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = image.GetRow(y);
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    row[(3 * x) + c] = (byte)((((7L * x) + (13L * y) + (29 * c)) % 64) + (128L * x / width) + (64L * y / height));
                }
            }
        }

        return image;
    }

    private static ResampleCase[] LoadCases() =>
        JsonSerializer.Deserialize<ResampleCase[]>(File.ReadAllText(Path.Combine(Fixture.Root, "resampler.json")), Json)!;

    private sealed record ResampleCase(int Width, int Height, int OutWidth, int OutHeight, string Filter, string Sha256);
}
