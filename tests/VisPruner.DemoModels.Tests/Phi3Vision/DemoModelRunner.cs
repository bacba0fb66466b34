using VisPruner.DemoModels;
using VisPruner.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace VisPruner.DemoModels.Tests.Phi3Vision;

/// <summary>A model folder written into a fresh temporary directory, deleted on dispose.</summary>
internal sealed class DemoModelFolder : IDisposable
{
    public DemoModelFolder(TinyPhi3VisionOptions? options = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vispruner-demo-" + Guid.NewGuid().ToString("N"));
        Info = TinyPhi3VisionModel.Write(Path, options);
    }

    public string Path { get; }

    public TinyPhi3VisionModelInfo Info { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public InferenceSession Load(string fileName) => new InferenceSession(File(fileName));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Runs the written graphs on the real ONNX Runtime with plain arrays in and out.</summary>
internal static class DemoModelRunner
{
    public static float[] Run(InferenceSession session, string output, params (string Name, OrtValue Value)[] inputs) =>
        RunAll(session, [output], inputs)[0];

    public static float[][] RunAll(InferenceSession session, IReadOnlyList<string> outputs, params (string Name, OrtValue Value)[] inputs)
    {
        try
        {
            using var options = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results = session.Run(options, [.. inputs.Select(i => i.Name)], [.. inputs.Select(i => i.Value)], [.. outputs]);
            return [.. results.Select(r => r.GetTensorDataAsSpan<float>().ToArray())];
        }
        finally
        {
            foreach ((_, OrtValue value) in inputs)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>A deterministic test picture: smooth colour ramps plus a few solid blocks.</summary>
    public static RgbImage SyntheticImage(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = image.GetRow(y);
            for (int x = 0; x < width; x++)
            {
                bool block = (x / 60 + y / 45) % 3 == 0;
                row[3 * x] = (byte)(block ? 230 : x * 255 / width);
                row[3 * x + 1] = (byte)(block ? 40 : y * 255 / height);
                row[3 * x + 2] = (byte)((x + y) % 256);
            }
        }

        return image;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float allowed = tolerance * Math.Max(1f, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= allowed))
            {
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]} (tolerance {allowed}).");
            }
        }
    }
}
