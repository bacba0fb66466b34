using Microsoft.ML.OnnxRuntime;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels.Tests.Onnx;

/// <summary>Runs a built model on the real ONNX Runtime and copies the outputs out.</summary>
internal static class ModelRunner
{
    public static float[] RunSingle(GraphBuilder builder, params (string Name, OrtValue Value)[] inputs) => Run(builder, inputs)[0];

    public static float[] RunSingle(ModelProto model, params (string Name, OrtValue Value)[] inputs)
    {
        using var session = new InferenceSession(OnnxModelFile.ToBytes(model));
        return Run(session, inputs)[0];
    }

    public static float[][] Run(GraphBuilder builder, params (string Name, OrtValue Value)[] inputs)
    {
        using var session = new InferenceSession(builder.ToBytes());
        return Run(session, inputs);
    }

    public static float[][] Run(InferenceSession session, params (string Name, OrtValue Value)[] inputs)
    {
        try
        {
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.RunNamed(inputs.Select(i => KeyValuePair.Create(i.Name, i.Value)));
            return outputs.Select(o => o.GetTensorDataAsSpan<float>().ToArray()).ToArray();
        }
        finally
        {
            foreach ((_, OrtValue value) in inputs)
            {
                value.Dispose();
            }
        }
    }

    public static void AssertClose(float[] expected, float[] actual, float tolerance = 1e-5f)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float allowed = tolerance * Math.Max(1f, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= allowed))
            {
                Xunit.Assert.Fail($"Element {i}: expected {expected[i]}, got {actual[i]} (tolerance {allowed}).");
            }
        }
    }

    /// <summary>Runs with named inputs; every output when <paramref name="outputs"/> is null, in the model's order.</summary>
    public static IDisposableReadOnlyCollection<OrtValue> RunNamed(
        this InferenceSession session, IEnumerable<KeyValuePair<string, OrtValue>> inputs, IReadOnlyCollection<string>? outputs = null)
    {
        KeyValuePair<string, OrtValue>[] named = [.. inputs];
        using var options = new RunOptions();
        return session.Run(options, [.. named.Select(i => i.Key)], [.. named.Select(i => i.Value)], outputs ?? [.. session.OutputMetadata.Keys]);
    }

    /// <summary>The output named <paramref name="name"/> of a run that returned every output.</summary>
    public static OrtValue Output(this IDisposableReadOnlyCollection<OrtValue> outputs, InferenceSession session, string name) =>
        outputs[session.OutputMetadata.Keys.ToList().IndexOf(name)];
}
