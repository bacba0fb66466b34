using VisPruner.Onnx;
using Xunit;

namespace VisPruner.OnnxRuntime.Tests;

public class SessionTests
{
    [Fact]
    public void Metadata_reports_names_element_types_and_symbolic_dimensions()
    {
        using var session = InferenceSession.Load(TestModels.AddAndDouble());

        Assert.Equal(["a", "b"], session.InputNames);
        Assert.Equal(["y", "z"], session.OutputNames);
        TensorMetadata a = session.InputMetadata[0];
        Assert.Equal(TensorElementType.Float, a.ElementType);
        Assert.Equal([-1L, 3L], a.Dimensions);
        Assert.Equal(["batch", null], a.SymbolicDimensions);
        Assert.Equal("a: Float[batch, 3]", a.ToString());
    }

    [Fact]
    public void Runs_return_the_requested_outputs_in_the_requested_order()
    {
        using var session = InferenceSession.Load(TestModels.AddAndDouble());
        using var a = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using var b = OrtValue.CreateTensor(new float[] { 10, 20, 30, 40, 50, 60 }, [2, 3]);

        using SessionOutputs outputs = session.Run([KeyValuePair.Create("a", a), KeyValuePair.Create("b", b)], ["z", "y"]);

        Assert.Equal(["z", "y"], outputs.Names);
        Assert.Equal(new float[] { 2, 4, 6, 8, 10, 12 }, outputs[0].ToArray<float>());
        Assert.Equal(new float[] { 11, 22, 33, 44, 55, 66 }, outputs["y"].ToArray<float>());
        Assert.Equal([2L, 3L], outputs["y"].Shape);
        Assert.Throws<KeyNotFoundException>(() => outputs["missing"]);
    }

    [Fact]
    public void A_model_loads_the_same_from_a_file_and_from_bytes_under_any_session_options()
    {
        byte[] model = TestModels.AddOne(1, 4);
        string path = Path.Combine(Path.GetTempPath(), $"vispruner-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model);
        try
        {
            using var fromFile = InferenceSession.Load(path, new InferenceSessionOptions { IntraOpThreads = 1, OptimizationLevel = GraphOptimizationLevel.Basic });
            using var fromBytes = InferenceSession.Load(model, new InferenceSessionOptions { InterOpThreads = 2, ParallelExecution = true, OptimizationLevel = GraphOptimizationLevel.None });
            using var x = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4 }, [1, 4]);

            using SessionOutputs first = fromFile.Run([KeyValuePair.Create("x", x)]);
            using SessionOutputs second = fromBytes.Run([KeyValuePair.Create("x", x)]);

            Assert.Equal(new float[] { 2, 3, 4, 5 }, first[0].ToArray<float>());
            Assert.Equal(first[0].ToArray<float>(), second[0].ToArray<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Concurrent_runs_on_one_session_each_get_their_own_results()
    {
        using var session = InferenceSession.Load(TestModels.AddOne(1, 256));

        float[][] results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async t =>
        {
            float[] input = Enumerable.Repeat((float)t, 256).ToArray();
            float[] last = [];
            for (int i = 0; i < 50; i++)
            {
                using var x = OrtValue.CreateTensor(input, [1, 256]);
                using SessionOutputs outputs = await session.RunAsync([KeyValuePair.Create("x", x)]);
                last = outputs[0].ToArray<float>();
            }

            return last;
        }));

        for (int t = 0; t < results.Length; t++)
        {
            Assert.All(results[t], v => Assert.Equal(t + 1f, v));
        }
    }

    [Fact]
    public void The_environment_reports_the_loaded_runtime()
    {
        OnnxRuntimeEnvironment env = OnnxRuntimeEnvironment.Instance;

        Assert.Matches(@"^\d+\.\d+\.\d+", env.Version);
        Assert.Contains("CPUExecutionProvider", env.AvailableProviders);
        Assert.Throws<InvalidOperationException>(() => OnnxRuntimeEnvironment.Configure(new OnnxRuntimeEnvironmentOptions()));
    }

    [Fact]
    public void A_taken_output_outlives_the_result_it_came_from()
    {
        using var session = InferenceSession.Load(TestModels.AddOne(1, 2));
        using var x = OrtValue.CreateTensor(new float[] { 1, 2 }, [1, 2]);
        OrtValue kept;
        using (SessionOutputs outputs = session.Run([KeyValuePair.Create("x", x)]))
        {
            kept = outputs.Take("y");
        }

        using (kept)
        {
            Assert.Equal(new float[] { 2, 3 }, kept.ToArray<float>());
            // A kept output feeds the next run, as a present KV cache becomes the next past.
            using SessionOutputs next = session.Run([KeyValuePair.Create("x", kept)]);
            Assert.Equal(new float[] { 3, 4 }, next[0].ToArray<float>());
        }
    }
}
