using System.Diagnostics;
using Xunit.Abstractions;
using VisPruner.Imaging;
using VisPruner.Imaging.Png;

namespace VisPruner.Engine.Tests.Runtime;

/// <summary>
/// One request's peak memory under the default caps, measured in a fresh process: the largest image the caps admit
/// (50 million pixels), decoded, preprocessed and encoded one image at a time.
/// </summary>
public sealed class RequestMemoryTests(TinyModelFixture models, ITestOutputHelper output) : IClassFixture<TinyModelFixture>
{
    // About 11 bytes per pixel for decoding plus the preprocessing buffers and the tiny model's activations.
    private const long Bound = 1_000_000_000;

    [Fact]
    public async Task A_request_with_the_largest_admitted_image_stays_under_the_stated_bound()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc/self/status
        }

        string image = Path.Combine(Path.GetTempPath(), "vispruner-50mp-" + Guid.NewGuid().ToString("N") + ".png");
        var pixels = new RgbImage(7071, 7071); // 49,999,041 pixels: just under the 50 million cap
        for (int y = 0; y < pixels.Height; y += 97)
        {
            pixels.GetRow(y).Fill(200);
        }

        await File.WriteAllBytesAsync(image, PngEncoder.EncodeToBytes(pixels));
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "VisPruner.TestHost.dll"), "peak", models.GrowingKvFolder, image })
            {
                start.ArgumentList.Add(argument);
            }

            using Process child = Process.Start(start)!;
            string printed = await child.StandardOutput.ReadToEndAsync();
            string error = await child.StandardError.ReadToEndAsync();
            await child.WaitForExitAsync();
            Assert.True(child.ExitCode == 0, error);

            long[] figures = [.. printed.Trim().Split(' ').Select(long.Parse)];
            long peakAboveBaseline = figures[1] - figures[0];
            output.WriteLine($"resident before the request {figures[0] / 1048576} MiB, peak {figures[1] / 1048576} MiB");
            Assert.True(figures[2] > 0, "the image reached the model");
            Assert.True(peakAboveBaseline < Bound, $"peak {peakAboveBaseline / 1048576} MiB above the {figures[0] / 1048576} MiB before the request");
        }
        finally
        {
            File.Delete(image);
        }
    }
}
