using Xunit;

namespace VisPruner.OnnxRuntime.Tests;

public class IoBindingTests
{
    [Fact]
    public void Bound_managed_buffers_are_reused_across_runs()
    {
        using var session = InferenceSession.Load(TestModels.AddOne(1, 4));
        float[] input = new float[4];
        float[] output = new float[4];
        using var x = OrtValue.CreateTensor(input, [1, 4]);
        using var y = OrtValue.CreateTensor(output, [1, 4]);
        using IoBinding binding = session.CreateIoBinding();
        binding.BindInput("x", x);
        binding.BindOutput("y", y);

        for (int step = 0; step < 3; step++)
        {
            Array.Fill(input, step * 10f);
            session.Run(binding);
            Assert.All(output, v => Assert.Equal(step * 10f + 1, v));
        }
    }

    [Fact]
    public void Outputs_bound_to_the_cpu_are_allocated_by_the_runtime()
    {
        using var session = InferenceSession.Load(TestModels.AddAndDouble());
        using var a = OrtValue.CreateTensor(new float[] { 1, 2, 3 }, [1, 3]);
        using var b = OrtValue.CreateTensor(new float[] { 1, 1, 1 }, [1, 3]);
        using IoBinding binding = session.CreateIoBinding();
        binding.BindInput("a", a);
        binding.BindInput("b", b);
        binding.BindOutputToCpu("z");

        session.Run(binding);
        OrtValue[] values = binding.GetOutputValues();

        Assert.Single(values);
        using OrtValue z = values[0];
        Assert.Equal(new float[] { 2, 4, 6 }, z.ToArray<float>());
        Assert.Throws<ArgumentException>(() => binding.BindInput("nope", a));
    }

    [Fact]
    public void Disposing_the_session_before_its_binding_is_safe_and_runs_are_refused()
    {
        var session = InferenceSession.Load(TestModels.AddOne(1, 1));
        float[] output = new float[1];
        using var x = OrtValue.CreateTensor(new float[] { 41 }, [1, 1]);
        using var y = OrtValue.CreateTensor(output, [1, 1]);
        IoBinding binding = session.CreateIoBinding();
        binding.BindInput("x", x);
        binding.BindOutput("y", y);

        session.Dispose(); // the native session lives on until the binding is released, so this order cannot crash
        binding.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run(binding));
        Assert.Equal(0f, output[0]);
    }
}
