using VisPruner.Engine.DemoModels;
using VisPruner.OnnxRuntime;

namespace VisPruner.Engine.Tests.DemoModels;

public class DecoderModelTests
{
    // KV-cached logits against a full recompute: same weights, different summation order inside attention.
    private const float CacheTolerance = 1e-4f;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Kv_cached_steps_give_the_logits_of_a_full_recompute(bool sharedBuffer)
    {
        using var folder = new DemoModelFolder();
        using var decoder = new DecoderDriver(folder);
        long[] ids = [1, 12, 250, 7, 99, 31, 4, 180];
        float[] embeds = decoder.Embed(ids);

        float[] full = decoder.FullRecompute(embeds, ids.Length);
        using var session = decoder.Start(sharedBuffer);
        const int prompt = 3;
        float[] prefill = session.Step(embeds.AsMemory(0, prompt * decoder.Hidden), prompt);
        DemoModelRunner.AssertClose(full.AsSpan(0, prompt * decoder.Vocabulary), prefill, CacheTolerance, "prefill logits");
        for (int t = prompt; t < ids.Length; t++)
        {
            float[] step = session.Step(embeds.AsMemory(t * decoder.Hidden, decoder.Hidden), 1);
            DemoModelRunner.AssertClose(full.AsSpan(t * decoder.Vocabulary, decoder.Vocabulary), step, CacheTolerance, $"logits of position {t}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_scripted_model_emits_its_script_then_end_under_greedy_decoding(bool sharedBuffer)
    {
        long[] prompt = [1, 40, 41, -1, 42, 43];
        int[] script = [300, 17, 17, 5, 260];
        using var folder = new DemoModelFolder(new TinyPhi3VisionOptions { Script = new TinyPhi3VisionScript(prompt.Length, script), MaxLength = 64, ContextLength = 64 });
        using var decoder = new DecoderDriver(folder);
        using var session = decoder.Start(sharedBuffer);

        float[] logits = session.Step(decoder.Embed(prompt, imageRows: 1), prompt.Length);
        var generated = new List<int>();
        int next = ArgMax(logits.AsSpan((prompt.Length - 1) * decoder.Vocabulary, decoder.Vocabulary));
        while (!folder.Info.EosTokenIds.Contains(next) && generated.Count < 20)
        {
            generated.Add(next);
            next = ArgMax(session.Step(decoder.Embed([next]), 1));
        }

        Assert.Equal(script, generated);
        Assert.Equal(folder.Info.EosTokenIds[0], next);
    }

    [Fact]
    public void A_bench_scale_folder_has_Phi_3_5_depth_and_its_decoder_runs()
    {
        using var folder = new DemoModelFolder(TinyPhi3VisionModel.BenchScale(16));
        using var decoder = new DecoderDriver(folder);
        long[] ids = [1, 30, 31, 32];
        float[] full = decoder.FullRecompute(decoder.Embed(ids), ids.Length);
        Assert.Equal(ids.Length * folder.Info.VocabularySize, full.Length);
        Assert.All(full, v => Assert.True(float.IsFinite(v)));

        var vision = VisPruner.Onnx.OnnxModelFile.Load(folder.File(TinyPhi3VisionModel.VisionFileName));
        Assert.Equal(23, vision.Graph.Node.Count(n => n.OpType == "Softmax")); // CLIP's 24 layers minus the unused last one
        var text = VisPruner.Onnx.OnnxModelFile.Load(folder.File(TinyPhi3VisionModel.DecoderFileName));
        Assert.Equal(32, text.Graph.Node.Count(n => n.OpType == "GroupQueryAttention"));
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }

    /// <summary>Drives the embedding and decoder graphs the way the engine will.</summary>
    private sealed class DecoderDriver : IDisposable
    {
        private readonly InferenceSession _embedding;
        private readonly InferenceSession _decoder;

        public DecoderDriver(DemoModelFolder folder)
        {
            Options = folder.Info.Options;
            Vocabulary = folder.Info.VocabularySize;
            _embedding = folder.Load(TinyPhi3VisionModel.EmbeddingFileName);
            _decoder = folder.Load(TinyPhi3VisionModel.DecoderFileName);
        }

        public TinyPhi3VisionOptions Options { get; }

        public int Hidden => Options.HiddenSize;

        public int Vocabulary { get; }

        public float[] Embed(long[] ids, int imageRows = 0)
        {
            var image = new float[imageRows * Hidden];
            Array.Fill(image, 0.5f);
            return DemoModelRunner.Run(_embedding, "inputs_embeds",
                ("input_ids", OrtValue.CreateTensor(ids, [1, ids.Length])),
                ("image_features", OrtValue.CreateTensor(image, [imageRows, Hidden])));
        }

        public float[] FullRecompute(float[] embeds, int length)
        {
            var inputs = new List<(string, OrtValue)>
            {
                ("inputs_embeds", OrtValue.CreateTensor(embeds, [1, length, Hidden])),
                ("attention_mask", OrtValue.CreateTensor(Ones(length), [1, length])),
            };
            for (int layer = 0; layer < Options.DecoderLayers; layer++)
            {
                inputs.Add(($"past_key_values.{layer}.key", OrtValue.CreateTensor(Array.Empty<float>(), [1, Options.KeyValueHeads, 0, Options.HeadSize])));
                inputs.Add(($"past_key_values.{layer}.value", OrtValue.CreateTensor(Array.Empty<float>(), [1, Options.KeyValueHeads, 0, Options.HeadSize])));
            }

            return DemoModelRunner.Run(_decoder, "logits", [.. inputs]);
        }

        public CachedSession Start(bool sharedBuffer) => new(this, sharedBuffer);

        public void Dispose()
        {
            _embedding.Dispose();
            _decoder.Dispose();
        }

        private static long[] Ones(int length)
        {
            var mask = new long[length];
            Array.Fill(mask, 1L);
            return mask;
        }

        /// <summary>
        /// One sequence. Separate mode: past = the previous run's present, which grows by the new tokens. Shared mode:
        /// one [1, kv_heads, MaxLength, head_size] buffer per cache bound as both past and present (IoBinding), written in place.
        /// </summary>
        public sealed class CachedSession : IDisposable
        {
            private readonly DecoderDriver _driver;
            private readonly bool _shared;
            private readonly OrtValue?[] _caches; // layer-major: key, value
            private int _length;

            public CachedSession(DecoderDriver driver, bool shared)
            {
                _driver = driver;
                _shared = shared;
                TinyPhi3VisionOptions o = driver.Options;
                _caches = new OrtValue?[2 * o.DecoderLayers];
                for (int i = 0; i < _caches.Length; i++)
                {
                    int capacity = shared ? o.MaxLength : 0;
                    _caches[i] = OrtValue.CreateTensor(new float[o.KeyValueHeads * capacity * o.HeadSize], [1, o.KeyValueHeads, capacity, o.HeadSize]);
                }
            }

            public float[] Step(Memory<float> embeds, int count)
            {
                int layers = _driver.Options.DecoderLayers;
                _length += count;
                using OrtValue inputsEmbeds = OrtValue.CreateTensor(embeds, [1, count, _driver.Hidden]);
                using OrtValue mask = OrtValue.CreateTensor(Ones(_length), [1, _length]);
                using IoBinding binding = _driver._decoder.CreateIoBinding();
                binding.BindInput("inputs_embeds", inputsEmbeds);
                binding.BindInput("attention_mask", mask);
                for (int layer = 0; layer < layers; layer++)
                {
                    binding.BindInput($"past_key_values.{layer}.key", _caches[2 * layer]!);
                    binding.BindInput($"past_key_values.{layer}.value", _caches[2 * layer + 1]!);
                    if (_shared)
                    {
                        binding.BindOutput($"present.{layer}.key", _caches[2 * layer]!);
                        binding.BindOutput($"present.{layer}.value", _caches[2 * layer + 1]!);
                    }
                    else
                    {
                        binding.BindOutputToCpu($"present.{layer}.key");
                        binding.BindOutputToCpu($"present.{layer}.value");
                    }
                }

                binding.BindOutputToCpu("logits");
                _driver._decoder.Run(binding);
                OrtValue[] outputs = binding.GetOutputValues();
                string[] names = [.. _driver._decoder.OutputNames];
                float[]? logits = null;
                for (int i = 0; i < outputs.Length; i++)
                {
                    string name = names[i];
                    if (name == "logits")
                    {
                        logits = outputs[i].ToArray<float>();
                        outputs[i].Dispose();
                    }
                    else if (_shared)
                    {
                        outputs[i].Dispose(); // a view of the shared buffer we already hold
                    }
                    else
                    {
                        int layer = int.Parse(name.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);
                        int slot = 2 * layer + (name.EndsWith(".key", StringComparison.Ordinal) ? 0 : 1);
                        _caches[slot]!.Dispose();
                        _caches[slot] = outputs[i];
                        Assert.Equal(_length, outputs[i].Shape[2]); // present = past ++ new
                    }
                }

                return logits!;
            }

            public void Dispose()
            {
                foreach (OrtValue? cache in _caches)
                {
                    cache?.Dispose();
                }
            }
        }
    }
}
