using Microsoft.ML.OnnxRuntime;
namespace VisPruner.DemoModels.Tests.Phi3Vision;

/// <summary>
/// Drives a demo folder's embedding and decoder graphs directly on ONNX Runtime, with a hand-written key/value cache: an
/// oracle independent of ONNX Runtime GenAI's generator.
/// </summary>
internal sealed class DecoderDriver : IDisposable
{
    private readonly InferenceSession _embedding;
    private readonly InferenceSession _decoder;

    public DecoderDriver(string folder, TinyPhi3VisionOptions options, int vocabulary)
    {
        Options = options;
        Vocabulary = vocabulary;
        _embedding = new InferenceSession(Path.Combine(folder, TinyPhi3VisionModel.EmbeddingFileName));
        _decoder = new InferenceSession(Path.Combine(folder, TinyPhi3VisionModel.DecoderFileName));
    }

    public TinyPhi3VisionOptions Options { get; }

    public int Hidden => Options.HiddenSize;

    public int Vocabulary { get; }

    /// <summary>Embeds <paramref name="ids"/>; placeholders take <paramref name="image"/>'s rows, or rows of 0.5 when null.</summary>
    public float[] Embed(long[] ids, int imageRows = 0, float[]? image = null)
    {
        if (image is null)
        {
            image = new float[imageRows * Hidden];
            Array.Fill(image, 0.5f);
        }

        return DemoModelRunner.Run(_embedding, "inputs_embeds",
            ("input_ids", OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length])),
            ("image_features", OrtValue.CreateTensorValueFromMemory(image, [image.Length / Hidden, Hidden])));
    }

    public float[] FullRecompute(float[] embeds, int length)
    {
        var inputs = new List<(string, OrtValue)>
        {
            ("inputs_embeds", OrtValue.CreateTensorValueFromMemory(embeds, [1, length, Hidden])),
            ("attention_mask", OrtValue.CreateTensorValueFromMemory(Ones(length), [1, length])),
        };
        for (int layer = 0; layer < Options.DecoderLayers; layer++)
        {
            inputs.Add(($"past_key_values.{layer}.key", OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [1, Options.KeyValueHeads, 0, Options.HeadSize])));
            inputs.Add(($"past_key_values.{layer}.value", OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [1, Options.KeyValueHeads, 0, Options.HeadSize])));
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
    /// One sequence. Separate mode: past = the previous run's present, which grows by the new tokens. Shared mode: one
    /// [1, kv_heads, MaxLength, head_size] buffer per cache bound as both past and present (I/O binding), written in place.
    /// </summary>
    public sealed class CachedSession(DecoderDriver driver, bool shared) : IDisposable
    {
        private readonly float[][] _caches = CreateCaches(driver.Options, shared); // layer-major: key, value
        private int _length;

        public float[] Step(Memory<float> embeds, int count)
        {
            TinyPhi3VisionOptions o = driver.Options;
            int past = shared ? o.MaxLength : _length;
            _length += count;
            var inputs = new List<(string Name, OrtValue Value)>
            {
                ("inputs_embeds", OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, embeds, [1, count, driver.Hidden])),
                ("attention_mask", OrtValue.CreateTensorValueFromMemory(Ones(_length), [1, _length])),
            };
            for (int layer = 0; layer < o.DecoderLayers; layer++)
            {
                inputs.Add(($"past_key_values.{layer}.key", OrtValue.CreateTensorValueFromMemory(_caches[2 * layer], [1, o.KeyValueHeads, past, o.HeadSize])));
                inputs.Add(($"past_key_values.{layer}.value", OrtValue.CreateTensorValueFromMemory(_caches[2 * layer + 1], [1, o.KeyValueHeads, past, o.HeadSize])));
            }

            try
            {
                using OrtIoBinding binding = driver._decoder.CreateIoBinding();
                foreach ((string name, OrtValue value) in inputs)
                {
                    binding.BindInput(name, value);
                }

                for (int layer = 0; layer < o.DecoderLayers; layer++)
                {
                    foreach ((string kind, int slot) in new[] { ("key", 2 * layer), ("value", 2 * layer + 1) })
                    {
                        if (shared)
                        {
                            binding.BindOutput($"present.{layer}.{kind}", inputs[2 + slot].Value); // in place
                        }
                        else
                        {
                            binding.BindOutputToDevice($"present.{layer}.{kind}", OrtMemoryInfo.DefaultInstance);
                        }
                    }
                }

                binding.BindOutputToDevice("logits", OrtMemoryInfo.DefaultInstance);
                using var runOptions = new RunOptions();
                driver._decoder.RunWithBinding(runOptions, binding);
                using IDisposableReadOnlyCollection<OrtValue> outputs = binding.GetOutputValues();
                string[] names = [.. driver._decoder.OutputMetadata.Keys];
                float[]? logits = null;
                for (int i = 0; i < outputs.Count; i++)
                {
                    if (names[i] == "logits")
                    {
                        logits = outputs[i].GetTensorDataAsSpan<float>().ToArray();
                    }
                    else if (!shared)
                    {
                        string[] parts = names[i].Split('.');
                        int slot = 2 * int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + (parts[2] == "key" ? 0 : 1);
                        Assert.Equal(_length, outputs[i].GetTensorTypeAndShape().Shape[2]); // present = past ++ new
                        _caches[slot] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
                    }
                }

                return logits!;
            }
            finally
            {
                foreach ((_, OrtValue value) in inputs)
                {
                    value.Dispose();
                }
            }
        }

        public void Dispose()
        {
        }

        private static float[][] CreateCaches(TinyPhi3VisionOptions o, bool shared)
        {
            var caches = new float[2 * o.DecoderLayers][];
            for (int i = 0; i < caches.Length; i++)
            {
                caches[i] = new float[o.KeyValueHeads * (shared ? o.MaxLength : 0) * o.HeadSize];
            }

            return caches;
        }
    }
}
