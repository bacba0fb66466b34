using System.Diagnostics;
using System.Text.Json;
using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// Decodes one file and runs the Phi-3.5-vision processor (16 crops) on it, in a process of its own, and reports the
/// memory that took: the process's peak resident set (VmHWM) against the resident set just before decoding.
/// </summary>
internal static class PeakMemoryProbe
{
    public static int Run(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        var processor = new Phi3VisionImageProcessor();
        processor.Process(new RgbImage(8, 8)); // load and JIT everything first
        GC.Collect();
        long before = ResidentBytes("VmRSS");
        long start = Stopwatch.GetTimestamp();
        ImageHeader header = ImageDecoder.Identify(data);
        RgbImage image = ImageDecoder.Decode(data);
        double decodeSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Phi3VisionInputs inputs = processor.Process(image);
        var report = new PeakMemoryReport(
            header.Format.ToString(), image.Width, image.Height, data.Length, before, ResidentBytes("VmHWM"),
            decodeSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds, inputs.PixelValues.Length);
        Console.WriteLine(JsonSerializer.Serialize(report));
        return 0;
    }

    /// <summary>A field of /proc/self/status, in bytes (Linux).</summary>
    private static long ResidentBytes(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/self/status has no {field}.");
    }
}

/// <summary>What <see cref="PeakMemoryProbe"/> prints, as one line of JSON.</summary>
internal sealed record PeakMemoryReport(
    string Format, int Width, int Height, long FileBytes, long ResidentBeforeBytes, long PeakResidentBytes,
    double DecodeSeconds, double TotalSeconds, int PixelValues)
{
    public long PeakAboveBaselineBytes => PeakResidentBytes - ResidentBeforeBytes;
}
