using VisPruner.Onnx;
using Xunit;

namespace VisPruner.OnnxRuntime.Tests;

public class TensorTests
{
    [Fact]
    public void A_tensor_shares_the_managed_array_instead_of_copying_it()
    {
        using var session = InferenceSession.Load(TestModels.AddOne(1, 3));
        float[] data = [1, 2, 3];
        using var x = OrtValue.CreateTensor(data, [1, 3]);

        data[1] = 100; // written after the tensor was created
        x.GetTensorSpan<float>()[2] = -1;
        using SessionOutputs outputs = session.Run([KeyValuePair.Create("x", x)]);

        Assert.Equal(new float[] { 2, 101, 0 }, outputs[0].ToArray<float>());
        Assert.Equal(-1, data[2]);
    }

    [Fact]
    public void A_read_only_slice_of_a_larger_buffer_is_an_input_view()
    {
        using var session = InferenceSession.Load(TestModels.AddOne(1, 2));
        float[] buffer = [9, 1, 2, 9];
        using var x = OrtValue.CreateTensor((ReadOnlyMemory<float>)buffer.AsMemory(1, 2), [1, 2]);

        using SessionOutputs outputs = session.Run([KeyValuePair.Create("x", x)]);

        Assert.Equal(new float[] { 2, 3 }, outputs[0].ToArray<float>());
    }

    [Fact]
    public void A_forgotten_tensor_unpins_its_array_when_collected()
    {
        WeakReference array = WrapAndForget();

        for (int i = 0; i < 5 && array.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(array.IsAlive);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference WrapAndForget()
    {
        float[] data = new float[16];
        _ = OrtValue.CreateTensor(data, [16]); // never disposed
        return new WeakReference(data);
    }

    [Fact]
    public void Every_supported_element_type_round_trips_through_a_session()
    {
        RoundTrip(OnnxDataType.Float, new[] { 1.5f, -2f, float.MaxValue });
        RoundTrip(OnnxDataType.Float16, new[] { (Half)1.5f, (Half)(-2f), Half.MaxValue });
        RoundTrip(OnnxDataType.BFloat16, new[] { BFloat16.FromSingle(1.5f), BFloat16.FromSingle(-2f), BFloat16.FromSingle(3e38f) });
        RoundTrip(OnnxDataType.Int64, new[] { 1L, long.MinValue, long.MaxValue });
        RoundTrip(OnnxDataType.Int32, new[] { 1, int.MinValue, int.MaxValue });
        RoundTrip(OnnxDataType.Bool, new[] { true, false, true });
    }

    [Fact]
    public void BFloat16_rounds_to_nearest_even_and_widens_exactly()
    {
        Assert.Equal(1.5f, BFloat16.FromSingle(1.5f).ToSingle());
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1).
        Assert.Equal(1f, BFloat16.FromSingle(1f + MathF.Pow(2, -8)).ToSingle());
        // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: ties go to 1 + 2^-6.
        Assert.Equal(1f + MathF.Pow(2, -6), BFloat16.FromSingle(1f + 3 * MathF.Pow(2, -8)).ToSingle());
        Assert.True(float.IsNaN(BFloat16.FromSingle(float.NaN).ToSingle()));
    }

    [Fact]
    public void Shape_and_type_misuse_is_rejected_before_reaching_native_code()
    {
        Assert.Contains("holds 6 elements", Assert.Throws<ArgumentException>(() => OrtValue.CreateTensor(new float[5], [2, 3])).Message);
        Assert.Throws<ArgumentException>(() => OrtValue.CreateTensor(Array.Empty<float>(), [-1]));
        Assert.Throws<NotSupportedException>(() => OrtValue.CreateTensor(new decimal[1], [1]));
        using var x = OrtValue.CreateTensor(new float[] { 1 }, [1]);
        Assert.Contains("Float", Assert.Throws<InvalidOperationException>(() => x.GetTensorSpan<long>()).Message);
        x.Dispose();
        Assert.Throws<ObjectDisposedException>(() => x.GetTensorSpan<float>());
    }

    [Fact]
    public void Empty_tensors_run_like_any_other()
    {
        using var session = InferenceSession.Load(TestModels.AddOne(0, 4));
        using var x = OrtValue.CreateTensor(Array.Empty<float>(), [0, 4]);

        using SessionOutputs outputs = session.Run([KeyValuePair.Create("x", x)]);

        Assert.Equal([0L, 4L], outputs[0].Shape);
        Assert.Empty(outputs[0].ToArray<float>());
    }

    [Fact]
    public void A_preallocated_output_receives_the_result_in_place()
    {
        using var session = InferenceSession.Load(TestModels.AddOne(2, 2));
        float[] result = new float[4];
        using var x = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var y = OrtValue.CreateTensor(result, [2, 2]);
        OrtValue?[] outputs = [y];

        session.Run(["x"], [x], ["y"], outputs);

        Assert.Same(y, outputs[0]);
        Assert.Equal(new float[] { 2, 3, 4, 5 }, result);
    }

    private static void RoundTrip<T>(OnnxDataType type, T[] values) where T : unmanaged
    {
        using var session = InferenceSession.Load(TestModels.Identity(type));
        Assert.Equal((TensorElementType)(int)type, session.InputMetadata[0].ElementType);
        using var x = OrtValue.CreateTensor(values, [values.Length]);

        using SessionOutputs outputs = session.Run([KeyValuePair.Create("x", x)]);

        Assert.Equal(TensorElementTypes.Of<T>(), outputs[0].ElementType);
        Assert.Equal(values, outputs[0].ToArray<T>());
    }
}
