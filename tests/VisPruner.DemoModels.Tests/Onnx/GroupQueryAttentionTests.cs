using Microsoft.ML.OnnxRuntime;
using Xunit;

using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels.Tests.Onnx;

public class GroupQueryAttentionTests
{
    private const int Heads = 4, KvHeads = 2, HeadSize = 16, MaxPositions = 32; // rotary needs head size % 16 == 0
    private const int Hidden = Heads * HeadSize, KvHidden = KvHeads * HeadSize;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Prompt_then_decode_step_with_kv_cache_matches_direct_causal_attention(bool rotary)
    {
        const int prompt = 3, total = prompt + 1;
        (float[] cos, float[] sin) = Reference.RotaryCaches(MaxPositions, HeadSize);
        using InferenceSession session = new InferenceSession(BuildAttention(rotary, cos, sin));
        var random = new TensorRandom(21);
        float[] q = random.Normal(total * Hidden), k = random.Normal(total * KvHidden), v = random.Normal(total * KvHidden);

        // Prompt: three tokens, empty cache.
        (float[] promptOut, float[] presentKey, float[] presentValue) = Step(session, q[..(prompt * Hidden)], k[..(prompt * KvHidden)], v[..(prompt * KvHidden)], [], [], 0, prompt);
        // Decode: the fourth token against the cache the prompt returned.
        (float[] decodeOut, float[] finalKey, _) = Step(session, q[(prompt * Hidden)..], k[(prompt * KvHidden)..], v[(prompt * KvHidden)..], presentKey, presentValue, prompt, 1);

        float[] expected = DirectAttention(q, k, v, total, rotary ? (cos, sin) : null, out float[] expectedKeyCache);
        ModelRunner.AssertClose(expected[..(prompt * Hidden)], promptOut, 1e-4f);
        ModelRunner.AssertClose(expected[(prompt * Hidden)..], decodeOut, 1e-4f);
        ModelRunner.AssertClose(expectedKeyCache, finalKey, 1e-4f);
    }

    [Fact]
    public void A_shared_kv_buffer_bound_as_both_past_and_present_is_updated_in_place()
    {
        // ORT GenAI's past_present_share_buffer mode: one [batch, kvHeads, maxLength, headSize] buffer per cache.
        const int prompt = 3, total = prompt + 1, maxLength = 8;
        (float[] cos, float[] sin) = Reference.RotaryCaches(MaxPositions, HeadSize);
        using InferenceSession session = new InferenceSession(BuildAttention(rotary: true, cos, sin));
        var random = new TensorRandom(22);
        float[] q = random.Normal(total * Hidden), k = random.Normal(total * KvHidden), v = random.Normal(total * KvHidden);
        float[] keyBuffer = new float[KvHeads * maxLength * HeadSize], valueBuffer = new float[KvHeads * maxLength * HeadSize];
        using var keyCache = OrtValue.CreateTensorValueFromMemory(keyBuffer, [1, KvHeads, maxLength, HeadSize]);
        using var valueCache = OrtValue.CreateTensorValueFromMemory(valueBuffer, [1, KvHeads, maxLength, HeadSize]);

        float[] StepShared(int past, int seq)
        {
            using var qv = OrtValue.CreateTensorValueFromMemory(q[(past * Hidden)..((past + seq) * Hidden)], [1, seq, Hidden]);
            using var kv = OrtValue.CreateTensorValueFromMemory(k[(past * KvHidden)..((past + seq) * KvHidden)], [1, seq, KvHidden]);
            using var vv = OrtValue.CreateTensorValueFromMemory(v[(past * KvHidden)..((past + seq) * KvHidden)], [1, seq, KvHidden]);
            using var seqLens = OrtValue.CreateTensorValueFromMemory(new[] { past + seq - 1 }, [1]);
            using var totalLength = OrtValue.CreateTensorValueFromMemory(new[] { past + seq }, []);
            using OrtIoBinding binding = session.CreateIoBinding();
            binding.BindInput("q", qv);
            binding.BindInput("k", kv);
            binding.BindInput("v", vv);
            binding.BindInput("past_key", keyCache);
            binding.BindInput("past_value", valueCache);
            binding.BindInput("seqlens_k", seqLens);
            binding.BindInput("total_sequence_length", totalLength);
            binding.BindOutputToDevice("output", OrtMemoryInfo.DefaultInstance);
            binding.BindOutput("present_key", keyCache);
            binding.BindOutput("present_value", valueCache);
            using var runOptions = new RunOptions();
            session.RunWithBinding(runOptions, binding);
            using IDisposableReadOnlyCollection<OrtValue> outputs = binding.GetOutputValues();
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        float[] promptOut = StepShared(0, prompt);
        float[] decodeOut = StepShared(prompt, 1);

        float[] expected = DirectAttention(q, k, v, total, (cos, sin), out float[] expectedKeys);
        ModelRunner.AssertClose(expected[..(prompt * Hidden)], promptOut, 1e-4f);
        ModelRunner.AssertClose(expected[(prompt * Hidden)..], decodeOut, 1e-4f);
        for (int h = 0; h < KvHeads; h++)
        {
            ModelRunner.AssertClose(
                expectedKeys[(h * total * HeadSize)..((h + 1) * total * HeadSize)],
                keyBuffer[(h * maxLength * HeadSize)..((h * maxLength + total) * HeadSize)], 1e-4f);
        }
    }

    [Fact]
    public void A_local_window_limits_each_query_to_that_many_most_recent_positions_itself_included()
    {
        // Sliding-window layers (Gemma, Mistral): with local_window_size w, position i attends to i - w + 1 .. i, as Hugging
        // Face's sliding_window does.
        const int prompt = 5, total = prompt + 1, window = 2;
        (float[] cos, float[] sin) = Reference.RotaryCaches(MaxPositions, HeadSize);
        using InferenceSession session = new InferenceSession(BuildAttention(rotary: true, cos, sin, window));
        var random = new TensorRandom(23);
        float[] q = random.Normal(total * Hidden), k = random.Normal(total * KvHidden), v = random.Normal(total * KvHidden);

        (float[] promptOut, float[] presentKey, float[] presentValue) = Step(session, q[..(prompt * Hidden)], k[..(prompt * KvHidden)], v[..(prompt * KvHidden)], [], [], 0, prompt);
        (float[] decodeOut, _, _) = Step(session, q[(prompt * Hidden)..], k[(prompt * KvHidden)..], v[(prompt * KvHidden)..], presentKey, presentValue, prompt, 1);

        float[] expected = DirectAttention(q, k, v, total, (cos, sin), out _, window);
        ModelRunner.AssertClose(expected[..(prompt * Hidden)], promptOut, 1e-4f);
        ModelRunner.AssertClose(expected[(prompt * Hidden)..], decodeOut, 1e-4f);
        Assert.NotEqual(DirectAttention(q, k, v, total, (cos, sin), out _)[(prompt * Hidden)..], decodeOut); // the window mattered
    }

    private static byte[] BuildAttention(bool rotary, float[] cos, float[] sin, int? window = null)
    {
        var b = new GraphBuilder("gqa");
        GraphValue q = b.Input("q", OnnxDataType.Float, 1, "seq", Hidden);
        GraphValue k = b.Input("k", OnnxDataType.Float, 1, "seq", KvHidden);
        GraphValue v = b.Input("v", OnnxDataType.Float, 1, "seq", KvHidden);
        GraphValue pastKey = b.Input("past_key", OnnxDataType.Float, 1, KvHeads, "past", HeadSize);
        GraphValue pastValue = b.Input("past_value", OnnxDataType.Float, 1, KvHeads, "past", HeadSize);
        GraphValue seqLens = b.Input("seqlens_k", OnnxDataType.Int32, 1);
        GraphValue totalLength = b.Input("total_sequence_length", OnnxDataType.Int32);
        GraphValue? cosCache = rotary ? b.Initializer<float>("cos_cache", [MaxPositions, HeadSize / 2], cos) : null;
        GraphValue? sinCache = rotary ? b.Initializer<float>("sin_cache", [MaxPositions, HeadSize / 2], sin) : null;
        (GraphValue output, GraphValue presentKey, GraphValue presentValue) = b.GroupQueryAttention(
            q, k, v, pastKey, pastValue, seqLens, totalLength, Heads, KvHeads, cosCache, sinCache,
            outputName: "output", presentKeyName: "present_key", presentValueName: "present_value", localWindowSize: window);
        b.Output(output);
        b.Output(presentKey);
        b.Output(presentValue);
        return b.ToBytes();
    }

    private static (float[] Output, float[] PresentKey, float[] PresentValue) Step(
        InferenceSession session, float[] q, float[] k, float[] v, float[] pastKey, float[] pastValue, int past, int seq)
    {
        float[][] outputs = ModelRunner.Run(session,
            ("q", OrtValue.CreateTensorValueFromMemory(q, [1, seq, Hidden])),
            ("k", OrtValue.CreateTensorValueFromMemory(k, [1, seq, KvHidden])),
            ("v", OrtValue.CreateTensorValueFromMemory(v, [1, seq, KvHidden])),
            ("past_key", OrtValue.CreateTensorValueFromMemory(pastKey, [1, KvHeads, past, HeadSize])),
            ("past_value", OrtValue.CreateTensorValueFromMemory(pastValue, [1, KvHeads, past, HeadSize])),
            ("seqlens_k", OrtValue.CreateTensorValueFromMemory(new[] { past + seq - 1 }, [1])),
            ("total_sequence_length", OrtValue.CreateTensorValueFromMemory(new[] { past + seq }, [])));
        return (outputs[0], outputs[1], outputs[2]);
    }

    // Causal multi-head attention written out: query head h reads KV head h / (Heads / KvHeads); with a window, position i
    // reads positions i - window + 1 .. i only.
    private static float[] DirectAttention(float[] q, float[] k, float[] v, int tokens, (float[] Cos, float[] Sin)? rotary, out float[] keyCache, int? window = null)
    {
        q = (float[])q.Clone();
        k = (float[])k.Clone();
        if (rotary is { } caches)
        {
            for (int t = 0; t < tokens; t++)
            {
                for (int h = 0; h < Heads; h++)
                {
                    Reference.Rotate(q.AsSpan(t * Hidden + h * HeadSize, HeadSize), caches.Cos, caches.Sin, t);
                }

                for (int h = 0; h < KvHeads; h++)
                {
                    Reference.Rotate(k.AsSpan(t * KvHidden + h * HeadSize, HeadSize), caches.Cos, caches.Sin, t);
                }
            }
        }

        keyCache = new float[KvHeads * tokens * HeadSize]; // [kvHeads, tokens, headSize]
        for (int h = 0; h < KvHeads; h++)
        {
            for (int t = 0; t < tokens; t++)
            {
                Array.Copy(k, t * KvHidden + h * HeadSize, keyCache, (h * tokens + t) * HeadSize, HeadSize);
            }
        }

        var output = new float[tokens * Hidden];
        double scale = 1 / Math.Sqrt(HeadSize);
        for (int h = 0; h < Heads; h++)
        {
            int kvHead = h / (Heads / KvHeads);
            for (int i = 0; i < tokens; i++)
            {
                int first = window is int w ? Math.Max(0, i - w + 1) : 0;
                var scores = new float[i + 1 - first];
                for (int j = first; j <= i; j++)
                {
                    double dot = 0;
                    for (int d = 0; d < HeadSize; d++)
                    {
                        dot += (double)q[i * Hidden + h * HeadSize + d] * k[j * KvHidden + kvHead * HeadSize + d];
                    }

                    scores[j - first] = (float)(dot * scale);
                }

                float[] weights = Reference.Softmax(scores, scores.Length);
                for (int d = 0; d < HeadSize; d++)
                {
                    double sum = 0;
                    for (int j = first; j <= i; j++)
                    {
                        sum += weights[j - first] * v[j * KvHidden + kvHead * HeadSize + d];
                    }

                    output[i * Hidden + h * HeadSize + d] = (float)sum;
                }
            }
        }

        return output;
    }
}
