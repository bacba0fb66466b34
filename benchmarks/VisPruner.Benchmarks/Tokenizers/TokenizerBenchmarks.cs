using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using VisPruner.Tokenizers;

namespace VisPruner.Benchmarks.Tokenizers;

/// <summary>
/// Encode, decode and streaming decode of about 12 KB of text with the Llama-2 (SentencePiece, Phi-3.5)
/// and Qwen (byte-level) tokenizers. Tokens/s counts the text's tokens per mean operation time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class TokenizerBenchmarks
{
    private readonly List<int> _ids = new(8192);
    private Tokenizer _tokenizer = null!;
    private int[] _encoded = [];

    [Params("llama2", "qwen3")]
    public string Model { get; set; } = "llama2";

    [GlobalSetup]
    public void Setup()
    {
        _tokenizer = BenchmarkTokenizers.Load(Model);
        _encoded = _tokenizer.Encode(BenchmarkTokenizers.Text, addSpecialTokens: false);
    }

    /// <summary>Encoding into a reused list: the steady state of prompt building.</summary>
    [Benchmark]
    public int Encode()
    {
        _ids.Clear();
        _tokenizer.Encode(BenchmarkTokenizers.Text, _ids, addSpecialTokens: false);
        return _ids.Count;
    }

    [Benchmark]
    public string Decode() => _tokenizer.Decode(_encoded);

    /// <summary>Feeding ids one at a time, as during generation.</summary>
    [Benchmark]
    public int StreamingDecode()
    {
        var decoder = _tokenizer.CreateStreamingDecoder();
        var chars = 0;
        foreach (var id in _encoded)
        {
            chars += decoder.Push(id).Length;
        }

        return chars + decoder.Flush().Length;
    }

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new TokensPerSecondColumn());
    }
}
