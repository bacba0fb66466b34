using BenchmarkDotNet.Attributes;
using VisPruner.OnnxRuntime;

namespace VisPruner.Benchmarks.OnnxRuntime;

/// <summary>Wrapping managed memory (no copy) against an ONNX Runtime allocation filled by a copy, for a 1M-float tensor.</summary>
[MemoryDiagnoser]
public class TensorCreationBenchmarks
{
    private readonly float[] _data = new float[1024 * 1024];

    [Benchmark(Baseline = true)]
    public long WrapManagedArray()
    {
        using var value = OrtValue.CreateTensor(_data, [1024, 1024]);
        return value.Shape[0];
    }

    [Benchmark]
    public long AllocateAndCopy()
    {
        using var value = OrtValue.Allocate(TensorElementType.Float, [1024, 1024]);
        _data.CopyTo(value.GetTensorSpan<float>());
        return value.Shape[0];
    }
}
