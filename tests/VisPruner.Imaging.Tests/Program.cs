using System.Globalization;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// Console entry of the test assembly (<c>dotnet VisPruner.Imaging.Tests.dll ...</c>), for measurements that need a
/// process of their own and for runs too long for CI. The test runner does not use it.
/// </summary>
internal static class Program
{
    public static int Main(string[] args) => args switch
    {
        ["peak-memory", string path] => PeakMemoryProbe.Run(path),
        ["write-large", string kind, string path] => WriteLarge(kind, path),
        ["write-encoder-sample", string path] => WriteEncoderSample(path),
        ["fuzz", ..] => MutationFuzzer.Run(
            TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600),
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1),
        _ => Usage(),
    };

    private static int WriteLarge(string kind, string path)
    {
        File.WriteAllBytes(path, kind switch
        {
            "png" => LargeImages.FlatPng(10_000, 10_000, interlaced: false),
            "png-interlaced" => LargeImages.FlatPng(10_000, 10_000, interlaced: true),
            "jpeg" => LargeImages.FlatJpeg(10_000, 10_000, 3, progressive: false),
            "jpeg-progressive-cmyk" => LargeImages.FlatJpeg(10_000, 10_000, 4, progressive: true),
            _ => throw new ArgumentException($"Unknown kind '{kind}'.", nameof(kind)),
        });
        return 0;
    }

    private static int WriteEncoderSample(string path)
    {
        File.WriteAllBytes(path, Png.PngEncoder.EncodeToBytes(EncoderSample.Create()));
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage: dotnet VisPruner.Imaging.Tests.dll <command>
              peak-memory <file>            decode + Phi-3.5-vision preprocessing of one file; prints peak memory as JSON
              write-large <kind> <file>     a flat 10000x10000 image: png, png-interlaced, jpeg, jpeg-progressive-cmyk
              write-encoder-sample <file>   the PNG encoder's output for EncoderSample (Fixtures/encoder)
              fuzz [seconds] [seed]         mutation fuzzing of the decoder over the fixtures (default 600 s, seed 1)
            """);
        return 2;
    }
}
