using Microsoft.ML.OnnxRuntime;
using Xunit;

using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels.Tests.Onnx;

/// <summary>
/// A one-layer decoder laid out like ORT GenAI's published ones (inputs_embeds, attention_mask,
/// past_key_values.%d.key/value -> logits, present.%d.key/value; GQA with rotary, int4 projections,
/// skip RMS norms), built with the builder and run step by step with its KV cache.
/// </summary>
public class TinyDecoderTests
{
    private const int Hidden = 64, Heads = 4, KvHeads = 2, HeadSize = 16, Vocab = 32, MaxPositions = 64;

    [Fact]
    public void Decoding_with_the_kv_cache_gives_the_same_logits_as_recomputing_the_whole_prompt()
    {
        using var session = new InferenceSession(BuildDecoder());
        float[] embeds = new TensorRandom(31).Normal(4 * Hidden);

        float[] full = Run(session, embeds, tokens: 4, past: 0, [], [], out _, out _);
        float[] prompt = Run(session, embeds[..(3 * Hidden)], tokens: 3, past: 0, [], [], out float[] key, out float[] value);
        float[] step = Run(session, embeds[(3 * Hidden)..], tokens: 1, past: 3, key, value, out float[] key4, out _);

        ModelRunner.AssertClose(full[..(3 * Vocab)], prompt, 1e-4f);
        ModelRunner.AssertClose(full[(3 * Vocab)..], step, 1e-3f);
        Assert.Equal(KvHeads * 4 * HeadSize, key4.Length);
        Assert.Equal(["logits", "present.0.key", "present.0.value"], session.OutputMetadata.Keys);
    }

    private static float[] Run(InferenceSession session, float[] embeds, int tokens, int past, float[] pastKey, float[] pastValue, out float[] presentKey, out float[] presentValue)
    {
        float[][] outputs = ModelRunner.Run(session,
            ("inputs_embeds", OrtValue.CreateTensorValueFromMemory(embeds, [1, tokens, Hidden])),
            ("attention_mask", OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, past + tokens).ToArray(), [1, past + tokens])),
            ("past_key_values.0.key", OrtValue.CreateTensorValueFromMemory(pastKey, [1, KvHeads, past, HeadSize])),
            ("past_key_values.0.value", OrtValue.CreateTensorValueFromMemory(pastValue, [1, KvHeads, past, HeadSize])));
        presentKey = outputs[1];
        presentValue = outputs[2];
        return outputs[0];
    }

    private static byte[] BuildDecoder()
    {
        var b = new GraphBuilder("tiny-decoder", seed: 5);
        GraphValue x = b.Input("inputs_embeds", OnnxDataType.Float, "batch", "seq", Hidden);
        GraphValue mask = b.Input("attention_mask", OnnxDataType.Int64, "batch", "total");
        GraphValue pastKey = b.Input("past_key_values.0.key", OnnxDataType.Float, "batch", KvHeads, "past", HeadSize);
        GraphValue pastValue = b.Input("past_key_values.0.value", OnnxDataType.Float, "batch", KvHeads, "past", HeadSize);

        // Sequence lengths come from the mask, as in ORT GenAI decoders.
        GraphValue seqLens = b.Cast(b.Sub(b.ReduceSum(mask, [1], keepDims: false), b.Scalar(1L)), OnnxDataType.Int32);
        GraphValue total = b.Cast(b.Gather(b.Shape(mask), b.Scalar(1L)), OnnxDataType.Int32);
        (float[] cos, float[] sin) = Reference.RotaryCaches(MaxPositions, HeadSize);
        GraphValue cosCache = b.Initializer<float>("cos_cache", [MaxPositions, HeadSize / 2], cos);
        GraphValue sinCache = b.Initializer<float>("sin_cache", [MaxPositions, HeadSize / 2], sin);

        GraphValue norm = b.SimplifiedLayerNormalization(x, b.RandomNormal("ln1", [Hidden], mean: 1, std: 0.1f));
        int qkvWidth = (Heads + 2 * KvHeads) * HeadSize;
        GraphValue qkv = b.MatMulNBits(norm, Int4(b, qkvWidth, Hidden), "qkv_proj");
        GraphValue q = b.Slice(qkv, [0], [Heads * HeadSize], [2]);
        GraphValue k = b.Slice(qkv, [Heads * HeadSize], [(Heads + KvHeads) * HeadSize], [2]);
        GraphValue v = b.Slice(qkv, [(Heads + KvHeads) * HeadSize], [qkvWidth], [2]);
        (GraphValue attention, GraphValue presentKey, GraphValue presentValue) = b.GroupQueryAttention(
            q, k, v, pastKey, pastValue, seqLens, total, Heads, KvHeads, cosCache, sinCache,
            presentKeyName: "present.0.key", presentValueName: "present.0.value");
        GraphValue projected = b.MatMulNBits(attention, Int4(b, Hidden, Heads * HeadSize), "o_proj");
        (GraphValue norm2, GraphValue residual) = b.SkipSimplifiedLayerNormalization(projected, x, b.RandomNormal("ln2", [Hidden], mean: 1, std: 0.1f));
        GraphValue mlp = b.Linear(b.Gelu(b.Linear(norm2, Hidden, 4 * Hidden, "fc1", std: 0.1f)), 4 * Hidden, Hidden, "fc2", std: 0.1f);
        GraphValue final = b.SimplifiedLayerNormalization(b.Add(mlp, residual), b.RandomNormal("ln_f", [Hidden], mean: 1, std: 0.1f));
        b.Output(b.MatMul(final, b.RandomNormal("lm_head", [Hidden, Vocab], std: 0.2f), name: "logits"));
        b.Output(presentKey);
        b.Output(presentValue);
        return b.ToBytes();
    }

    private static Int4Weight Int4(GraphBuilder b, int n, int k) => Int4Weight.Quantize(b.Random.Normal((long)n * k, std: 0.1f), n, k, blockSize: 32);
}
