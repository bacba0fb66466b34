using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// Peak memory of decoding and preprocessing one 100-megapixel image (the default <see cref="ImageDecoderOptions.MaxPixels"/>),
/// measured in a child process (<see cref="PeakMemoryProbe"/>) so the test runner's own heap does not blur it. The
/// bounds are the figures stated in the library README, with a margin; progressive CMYK JPEG is the worst case.
/// </summary>
public sealed class MemoryTests(ITestOutputHelper output) : IDisposable
{
    private const long MiB = 1 << 20;

    private readonly string _folder = Directory.CreateTempSubdirectory("imaging-memory-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("png", 760)] // RGBA frame 4 B/px + RGB output 3 B/px
    [InlineData("png-interlaced", 1080)] // + Skia's 3 B/px interlace buffer
    [InlineData("jpeg", 420)] // RGB output 3 B/px + small bands
    [InlineData("jpeg-progressive-cmyk", 1200)] // + libjpeg's coefficients, 2 B per sample of 4 full-size components
    public void Peak_memory_of_a_100_megapixel_image_stays_within_its_stated_bound(string kind, long boundMiB)
    {
        byte[] file = kind switch
        {
            "png" => LargeImages.FlatPng(10_000, 10_000, interlaced: false),
            "png-interlaced" => LargeImages.FlatPng(10_000, 10_000, interlaced: true),
            "jpeg" => LargeImages.FlatJpeg(10_000, 10_000, 3, progressive: false),
            _ => LargeImages.FlatJpeg(10_000, 10_000, 4, progressive: true),
        };
        string path = Path.Combine(_folder, kind);
        File.WriteAllBytes(path, file);

        PeakMemoryReport report = RunProbe(path);

        output.WriteLine($"{kind}: peak {report.PeakAboveBaselineBytes / MiB} MiB above the {report.ResidentBeforeBytes / MiB} MiB baseline " +
            $"(decode {report.DecodeSeconds:F2} s, with preprocessing {report.TotalSeconds:F2} s)");
        Assert.Equal((10_000, 10_000), (report.Width, report.Height));
        Assert.True(report.PeakAboveBaselineBytes <= boundMiB * MiB, $"{kind}: {report.PeakAboveBaselineBytes / MiB} MiB, stated bound {boundMiB} MiB");
    }

    private static PeakMemoryReport RunProbe(string path)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { typeof(PeakMemoryProbe).Assembly.Location, "peak-memory", path },
        };
        using Process process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the probe did not finish");
        Assert.True(process.ExitCode == 0, $"probe failed ({process.ExitCode}): {stderr}");
        return JsonSerializer.Deserialize<PeakMemoryReport>(stdout)!;
    }
}
