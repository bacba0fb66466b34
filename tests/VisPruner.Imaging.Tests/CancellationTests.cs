using Xunit.Abstractions;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// Cancelling a 100-megapixel decode stops it inside Skia's native code: the source stream stops delivering data and
/// the codec gives up. The assertion is loose (1 s) so a loaded machine cannot make it flaky; the measured delay is
/// reported, and the library README states the typical figures.
/// </summary>
public class CancellationTests(ITestOutputHelper output)
{
    public static TheoryData<string, byte[]> LargeFiles => new()
    {
        { "png", LargeImages.FlatPng(10_000, 10_000, interlaced: false) },
        { "png-interlaced", LargeImages.FlatPng(10_000, 10_000, interlaced: true) },
        { "jpeg", LargeImages.FlatJpeg(10_000, 10_000, 3, progressive: false) },
        { "jpeg-progressive-cmyk", LargeImages.FlatJpeg(10_000, 10_000, 4, progressive: true) },
    };

    [Theory]
    [MemberData(nameof(LargeFiles))]
    public void Cancelling_during_a_100_megapixel_decode_returns_promptly(string kind, byte[] file)
    {
        using var cancellation = new DelayedCancellation(TimeSpan.FromMilliseconds(50));

        Assert.ThrowsAny<OperationCanceledException>(() => ImageDecoder.Decode(file, cancellationToken: cancellation.Token));

        double delay = cancellation.SinceCancelled.TotalMilliseconds;
        output.WriteLine($"{kind}: returned {delay:F1} ms after cancellation");
        Assert.True(delay < 1000, $"{kind}: returned {delay:F0} ms after cancellation");
    }

    [Fact]
    public void An_already_cancelled_token_stops_before_any_work()
    {
        Assert.ThrowsAny<OperationCanceledException>(() => ImageDecoder.Decode(Fixture.Image("webp_lossy.webp"), cancellationToken: new CancellationToken(canceled: true)));
    }
}
