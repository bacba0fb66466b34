using Xunit.Abstractions;
using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// Every fixture decodes to the RGB Pillow produced for it (Fixtures/expected, from generate_images.py), except the
/// listed deviations, whose size is pinned here and whose effect on the model's input is bounded.
/// </summary>
public class DecoderParityTests(ITestOutputHelper output)
{
    /// <summary>
    /// Measured differences from Pillow, explained in the library README: largest absolute sample difference, share
    /// of samples that differ, and the largest difference they make to Phi-3.5-vision's normalised <c>pixel_values</c>
    /// (16 crops; crops and the bicubic global view alike).
    /// </summary>
    private static readonly Dictionary<string, Deviation> Deviations = new(StringComparer.Ordinal)
    {
        // 5- and 6-bit channels widened to 8 bits: Skia replicates the top bits ((v << 3) | (v >> 2)), Pillow computes
        // v * 255 / 31 rounded down; the two differ by one level for about half the values. One level is at most
        // 1 / (255 * 0.2613) = 0.015 in a crop after normalisation; the bicubic global view can sum it to 0.0178.
        ["bmp_rgb555.bmp"] = new(1, 0.50, 0.02f),
        ["bmp_rgb565.bmp"] = new(1, 0.50, 0.02f),

        // Deliberate: Pillow 9.4 opens 16-bit greyscale PNG as mode I;16 and convert("RGB") clips every value above
        // 255 to white, losing the picture; the decoder keeps the high byte of each sample (what it does for 16-bit
        // colour PNG, where Pillow agrees). Not a rounding difference: the model sees the image instead of white.
        ["png_gray16.png"] = new(254, 0.98, 3.9f),
    };

    private static readonly Phi3VisionImageProcessor Processor = new();

    public static TheoryData<string> Fixtures => Fixture.Names("");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_matches_pillow_or_its_stated_deviation(string name)
    {
        int[] size = Fixture.Manifest[name];
        RgbImage image = ImageDecoder.Decode(Fixture.Image(name));
        Assert.Equal((size[0], size[1]), (image.Width, image.Height));
        byte[] expected = Fixture.ExpectedRgb(name);
        ReadOnlySpan<byte> actual = image.Pixels;
        int worst = 0, differing = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int diff = Math.Abs(expected[i] - actual[i]);
            worst = Math.Max(worst, diff);
            differing += diff > 0 ? 1 : 0;
        }

        double share = (double)differing / expected.Length;
        float modelDiff = worst == 0 ? 0f : ModelInputDifference(new RgbImage(size[0], size[1], expected), image);
        output.WriteLine($"{name}: max abs diff {worst}, {share:P2} of samples differ, pixel_values max diff {modelDiff:G4}");
        Deviation stated = Deviations.GetValueOrDefault(name);
        Assert.Equal(stated.MaxAbsDiff, worst);
        Assert.True(share <= stated.MaxShare, $"{name}: {share:P2} of samples differ; stated at most {stated.MaxShare:P2}.");
        Assert.True(modelDiff <= stated.MaxModelInputDiff, $"{name}: pixel_values differ by {modelDiff}; stated bound {stated.MaxModelInputDiff}.");
    }

    /// <summary>Largest absolute difference between the processor's outputs for the two images.</summary>
    private static float ModelInputDifference(RgbImage pillow, RgbImage ours)
    {
        float[] a = Processor.Process(pillow).PixelValues.ToArray();
        float[] b = Processor.Process(ours).PixelValues.ToArray();
        float worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        }

        return worst;
    }

    private readonly record struct Deviation(int MaxAbsDiff, double MaxShare, float MaxModelInputDiff);
}
