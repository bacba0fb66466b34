using BenchmarkDotNet.Attributes;
using VisPruner.Onnx;
using VisPruner.OnnxRuntime;

namespace VisPruner.Benchmarks.OnnxRuntime;

/// <summary>
/// Per-run overhead of the binding on a tiny model (where overhead dominates) and a 256 x 256 MatMul:
/// the dictionary API (new output values), the span API with a pre-allocated output, and an IoBinding.
/// </summary>
[MemoryDiagnoser]
public class SessionRunBenchmarks : IDisposable
{
    private InferenceSession _session = null!;
    private OrtValue _input = null!;
    private OrtValue _output = null!;
    private IoBinding _binding = null!;
    private KeyValuePair<string, OrtValue>[] _inputs = null!;
    private readonly OrtValue?[] _outputs = new OrtValue?[1];
    private readonly string[] _inputNames = ["x"];
    private readonly string[] _outputNames = ["y"];

    [Params(16, 256)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var b = new GraphBuilder("bench", seed: 1);
        GraphValue x = b.Input("x", OnnxDataType.Float, Size, Size);
        b.Output(b.MatMul(x, b.RandomNormal("w", [Size, Size]), name: "y"));
        _session = InferenceSession.Load(b.ToBytes(), new InferenceSessionOptions { IntraOpThreads = 1 });
        _input = OrtValue.CreateTensor(new float[Size * Size], [Size, Size]);
        _output = OrtValue.CreateTensor(new float[Size * Size], [Size, Size]);
        _inputs = [KeyValuePair.Create("x", _input)];
        _binding = _session.CreateIoBinding();
        _binding.BindInput("x", _input);
        _binding.BindOutput("y", _output);
        _outputs[0] = _output;
    }

    [Benchmark(Baseline = true)]
    public float DictionaryRun()
    {
        using SessionOutputs outputs = _session.Run(_inputs);
        return outputs[0].GetTensorSpan<float>()[0];
    }

    [Benchmark]
    public void SpanRunIntoPreallocatedOutput() => _session.Run(_inputNames, [_input], _outputNames, _outputs);

    [Benchmark]
    public void IoBindingRun() => _session.Run(_binding);

    [GlobalCleanup]
    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _session.Dispose();
        GC.SuppressFinalize(this);
    }
}
