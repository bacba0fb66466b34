using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using VisPruner.Imaging;
using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Benchmarks.Imaging;

/// <summary>
/// Decoding a 12 MP (4000x3000) JPEG and preparing it for Phi-3.5-vision. The JPEGs are encoded at setup by
/// libjpeg-turbo's <c>cjpeg</c> (must be on PATH) from a synthetic photo-like image, so nothing large is committed.
/// </summary>
[MemoryDiagnoser]
public class ImageDecodeBenchmarks
{
    private const int Width = 4000;
    private const int Height = 3000;
    private byte[] _baseline = [];
    private byte[] _progressive = [];
    private RgbImage _decoded = null!;
    private readonly Phi3VisionImageProcessor _processor = new(new Phi3VisionProcessorOptions { NumCrops = 16 });

    [GlobalSetup]
    public void Setup()
    {
        string dir = Directory.CreateTempSubdirectory("vispruner-bench-").FullName;
        try
        {
            string ppm = Path.Combine(dir, "input.ppm");
            WriteSyntheticPhoto(ppm);
            _baseline = Encode(ppm, Path.Combine(dir, "baseline.jpg"), "-quality", "90");
            _progressive = Encode(ppm, Path.Combine(dir, "progressive.jpg"), "-quality", "90", "-progressive");
            _decoded = ImageDecoder.Decode(_baseline);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Benchmark]
    public RgbImage DecodeBaseline420() => ImageDecoder.Decode(_baseline);

    [Benchmark]
    public RgbImage DecodeProgressive420() => ImageDecoder.Decode(_progressive);

    [Benchmark]
    public Phi3VisionInputs Phi3VisionPreprocess() => _processor.Process(_decoded);

    [Benchmark]
    public Phi3VisionInputs DecodeAndPhi3VisionPreprocess() => _processor.Process(ImageDecoder.Decode(_baseline));

    /// <summary>Smooth gradients, texture and noise, so the JPEG has photo-like entropy.</summary>
    private static void WriteSyntheticPhoto(string path)
    {
        using var file = File.Create(path);
        byte[] header = System.Text.Encoding.ASCII.GetBytes($"P6 {Width} {Height} 255\n");
        file.Write(header);
        var random = new Random(42);
        byte[] row = new byte[Width * 3];
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                double t = Math.Sin(x * 0.013) * Math.Cos(y * 0.011);
                double texture = 25 * Math.Sin((x * 0.31) + (y * 0.17)) * Math.Sin(y * 0.05);
                int noise = random.Next(-12, 13);
                row[3 * x] = Clamp((255.0 * x / Width) + texture + noise);
                row[(3 * x) + 1] = Clamp(128 + (100 * t) + noise);
                row[(3 * x) + 2] = Clamp((255.0 * y / Height) - texture + noise);
            }

            file.Write(row);
        }
    }

    private static byte Clamp(double v) => (byte)Math.Clamp((int)v, 0, 255);

    private static byte[] Encode(string input, string output, params string[] options)
    {
        var start = new ProcessStartInfo("cjpeg") { RedirectStandardError = true };
        foreach (string option in options)
        {
            start.ArgumentList.Add(option);
        }

        start.ArgumentList.Add("-outfile");
        start.ArgumentList.Add(output);
        start.ArgumentList.Add(input);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cjpeg could not be started (install libjpeg-turbo-progs).");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cjpeg failed: {process.StandardError.ReadToEnd()}");
        }

        return File.ReadAllBytes(output);
    }
}
