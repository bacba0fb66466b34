using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Builds the gemma3 text decoder as ONNX Runtime GenAI's model builder lays out Gemma 3 with <c>exclude_embeds</c>: four
/// RMS norms per layer (input, post-attention, pre- and post-feed-forward), RMS norms of the query and key heads,
/// <c>GroupQueryAttention</c> with rotary embedding (base 10000 and a sliding window on local layers, base 1000000 on every
/// sixth, global, layer), a GELU(tanh)-gated MLP, 4-bit or float projections, and logits over Gemma 3's 262208 ids.
/// </summary>
internal static class Gemma3DecoderGraph
{
    private const double LocalRopeTheta = 10000;
    private const double GlobalRopeTheta = 1000000;
    private const int GlobalLayerPeriod = 6;
    private const float Epsilon = 1e-6f;

    /// <summary>Whether <paramref name="layer"/> attends globally (Gemma 3: every sixth layer) rather than in a sliding window.</summary>
    public static bool IsGlobal(int layer) => (layer + 1) % GlobalLayerPeriod == 0;

    public static ModelProto Build(TinyGemma3Options options, WeightReader weights, Gemma3Tokenizer tokenizer)
    {
        int hidden = options.HiddenSize, headSize = options.HeadSize, heads = options.AttentionHeads, kvHeads = options.KeyValueHeads;
        DecoderWeightFormat format = options.DecoderWeights;
        var b = new GraphBuilder("gemma3_text", unchecked(options.Seed + 2));
        GraphValue inputsEmbeds = b.Input("inputs_embeds", OnnxDataType.Float, "batch_size", "sequence_length", hidden);
        GraphValue attentionMask = b.Input("attention_mask", OnnxDataType.Int64, "batch_size", "total_sequence_length");
        var pastKeys = new GraphValue[options.DecoderLayers];
        var pastValues = new GraphValue[options.DecoderLayers];
        for (int layer = 0; layer < options.DecoderLayers; layer++)
        {
            pastKeys[layer] = b.Input($"past_key_values.{layer}.key", OnnxDataType.Float, "batch_size", kvHeads, "past_sequence_length", headSize);
            pastValues[layer] = b.Input($"past_key_values.{layer}.value", OnnxDataType.Float, "batch_size", kvHeads, "past_sequence_length", headSize);
        }

        // As in published graphs: seqlens_k = sum(mask) - 1 per row, total_sequence_length = mask width, both int32.
        GraphValue maskSum = b.Op("ReduceSum", [attentionMask, b.Int64s(1)], [NodeAttributes.Int("keepdims", 0)], "/model/attn_mask_reformat/ReduceSum_output_0");
        GraphValue seqLensK = b.Cast(b.Sub(maskSum, b.Scalar(1L), "/model/attn_mask_reformat/Sub_output_0"), OnnxDataType.Int32, "/model/attn_mask_reformat/Cast_output_0");
        GraphValue totalLength = b.Cast(
            b.Gather(b.Shape(attentionMask, "/model/attn_mask_reformat/Shape_output_0"), b.Scalar(1L), 0, "/model/attn_mask_reformat/Gather_output_0"),
            OnnxDataType.Int32, "/model/attn_mask_reformat/Cast_1_output_0");

        var caches = new Dictionary<bool, (GraphValue Cos, GraphValue Sin)>();
        (GraphValue Cos, GraphValue Sin) Caches(bool global)
        {
            if (!caches.TryGetValue(global, out (GraphValue Cos, GraphValue Sin) pair))
            {
                (float[] cos, float[] sin) = DecoderGraph.RotaryCaches(options.MaxLength, headSize, global ? GlobalRopeTheta : LocalRopeTheta);
                string suffix = global ? string.Empty : "_local";
                pair = (b.Initializer<float>("cos_cache" + suffix, [options.MaxLength, headSize / 2], cos), b.Initializer<float>("sin_cache" + suffix, [options.MaxLength, headSize / 2], sin));
                caches[global] = pair;
            }

            return pair;
        }

        GraphValue Norm(GraphValue x, string name, int width, string path) =>
            b.SimplifiedLayerNormalization(x, weights.Tensor(b, name, [width], 0.05f, mean: 1f), Epsilon, name: path);

        GraphValue residual = inputsEmbeds;
        GraphValue x = Norm(inputsEmbeds, "model.layers.0.input_layernorm.weight", hidden, "/model/layers.0/input_layernorm/LayerNorm_output_0");
        for (int layer = 0; layer < options.DecoderLayers; layer++)
        {
            string path = $"/model/layers.{layer}", prefix = $"model.layers.{layer}";
            GraphValue q = DecoderGraph.Projection(b, weights, format, x, hidden, heads * headSize, $"{prefix}.attn.q_proj", $"{path}/attn/q_proj");
            GraphValue k = DecoderGraph.Projection(b, weights, format, x, hidden, kvHeads * headSize, $"{prefix}.attn.k_proj", $"{path}/attn/k_proj");
            GraphValue v = DecoderGraph.Projection(b, weights, format, x, hidden, kvHeads * headSize, $"{prefix}.attn.v_proj", $"{path}/attn/v_proj");
            q = HeadNorm(b, q, heads, headSize, Norm, $"{prefix}.attn.q_norm.weight", $"{path}/attn/q_norm");
            k = HeadNorm(b, k, kvHeads, headSize, Norm, $"{prefix}.attn.k_norm.weight", $"{path}/attn/k_norm");
            bool global = IsGlobal(layer);
            (GraphValue cos, GraphValue sin) = Caches(global);
            (GraphValue attention, GraphValue presentKey, GraphValue presentValue) = b.GroupQueryAttention(
                q, k, v, pastKeys[layer], pastValues[layer], seqLensK, totalLength, heads, kvHeads, cos, sin,
                outputName: $"{path}/attn/GroupQueryAttention_output_0", presentKeyName: $"present.{layer}.key", presentValueName: $"present.{layer}.value",
                localWindowSize: global ? null : options.SlidingWindow);
            b.Output(presentKey, "batch_size", kvHeads, "total_sequence_length", headSize);
            b.Output(presentValue, "batch_size", kvHeads, "total_sequence_length", headSize);
            GraphValue attentionOut = DecoderGraph.Projection(b, weights, format, attention, heads * headSize, hidden, $"{prefix}.attn.o_proj", $"{path}/attn/o_proj");
            attentionOut = Norm(attentionOut, $"{prefix}.post_attention_layernorm.weight", hidden, $"{path}/post_attention_layernorm/LayerNorm_output_0");
            (x, residual) = b.SkipSimplifiedLayerNormalization(attentionOut, residual, weights.Tensor(b, $"{prefix}.pre_feedforward_layernorm.weight", [hidden], 0.05f, mean: 1f), Epsilon,
                $"{path}/pre_feedforward_layernorm/SkipLayerNorm_output_0", $"{path}/pre_feedforward_layernorm/SkipLayerNorm_output_3");

            // GELU(tanh)-gated MLP, its output normed before it joins the residual stream.
            GraphValue gate = DecoderGraph.Projection(b, weights, format, x, hidden, options.IntermediateSize, $"{prefix}.mlp.gate_proj", $"{path}/mlp/gate_proj");
            GraphValue up = DecoderGraph.Projection(b, weights, format, x, hidden, options.IntermediateSize, $"{prefix}.mlp.up_proj", $"{path}/mlp/up_proj");
            GraphValue activated = b.Mul(b.Gelu(gate, tanhApproximation: true, name: $"{path}/mlp/act_fn/Gelu_output_0"), up, $"{path}/mlp/Mul_output_0");
            GraphValue down = DecoderGraph.Projection(b, weights, format, activated, options.IntermediateSize, hidden, $"{prefix}.mlp.down_proj", $"{path}/mlp/down_proj");
            down = Norm(down, $"{prefix}.post_feedforward_layernorm.weight", hidden, $"{path}/post_feedforward_layernorm/LayerNorm_output_0");

            bool last = layer == options.DecoderLayers - 1;
            string nextNorm = last ? "model.norm.weight" : $"model.layers.{layer + 1}.input_layernorm.weight";
            string nextPath = last ? "/model/norm" : $"/model/layers.{layer + 1}/input_layernorm";
            (x, residual) = b.SkipSimplifiedLayerNormalization(down, residual, weights.Tensor(b, nextNorm, [hidden], 0.05f, mean: 1f), Epsilon,
                $"{nextPath}/SkipLayerNorm_output_0", last ? string.Empty : $"{nextPath}/SkipLayerNorm_output_3");
        }

        GraphValue logits = DecoderGraph.Projection(b, weights, format, x, hidden, tokenizer.CompactSize, "lm_head", "/lm_head");
        b.Output("logits", Widened(b, logits, tokenizer), "batch_size", "sequence_length", Gemma3Tokenizer.VocabularySize);
        return ExportNaming.NameNodesAfterOutputs(b.Build());
    }

    // RMS norm of each head: [batch, seq, heads * headSize] -> per-head norm -> back.
    private static GraphValue HeadNorm(GraphBuilder b, GraphValue x, int heads, int headSize, Func<GraphValue, string, int, string, GraphValue> norm, string name, string path)
    {
        GraphValue perHead = b.Reshape(x, [0, 0, heads, headSize], $"{path}/Reshape_output_0");
        return b.Reshape(norm(perHead, name, headSize, $"{path}/LayerNorm_output_0"), [0, 0, heads * headSize], $"{path}/Reshape_1_output_0");
    }

    // Compact logits [batch, seq, dense ids + 2 image markers] -> Gemma 3's 262208 ids: the markers at 255999 and 256000,
    // and every id without a token (including the image placeholder, which must never be generated) far below any real
    // logit, so greedy search only picks ids the tokenizer decodes.
    private static GraphValue Widened(GraphBuilder b, GraphValue logits, Gemma3Tokenizer tokenizer)
    {
        const string path = "/lm_head/widen";
        GraphValue leading = b.Slice(b.Shape(logits, $"{path}/Shape_output_0"), [0], [2], name: $"{path}/Slice_output_0");
        GraphValue Filler(int width, string name) =>
            b.Expand(b.Scalar(-1e4f), b.Concat(0, [leading, b.Int64s(width)], $"{path}/{name}_shape_output_0"), $"{path}/{name}_output_0");

        return b.Concat(2,
        [
            b.Slice(logits, [0], [tokenizer.BaseSize], [2], name: $"{path}/dense_output_0"),
            Filler(Gemma3Tokenizer.BeginImageId - tokenizer.BaseSize, "gap"),
            b.Slice(logits, [tokenizer.BaseSize], [tokenizer.CompactSize], [2], name: $"{path}/markers_output_0"),
            Filler(Gemma3Tokenizer.VocabularySize - Gemma3Tokenizer.EndImageId - 1, "tail"),
        ], $"{path}/Concat_output_0");
    }
}
