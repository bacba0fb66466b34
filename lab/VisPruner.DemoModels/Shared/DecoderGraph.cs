using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Builds the phi3v text decoder as ONNX Runtime GenAI's model builder lays out Phi-3: RMS norms fused with the
/// residual adds (<c>SkipSimplifiedLayerNormalization</c>), 4-bit <c>MatMulNBits</c> or float <c>MatMul</c> projections, and
/// <c>GroupQueryAttention</c> with rotary embedding, its sequence lengths derived from <c>attention_mask</c>.
/// </summary>
internal static class DecoderGraph
{
    public const int QuantizationBlock = 32;
    private const float ScriptMargin = 100f;
    private const double RopeTheta = 10000;
    private static readonly float CodeStandardDeviation = MathF.Sqrt((16 * 16 - 1) / 12f); // of uniform codes 0..15

    public static ModelProto Build(IDecoderOptions options, WeightReader weights, DemoTokenizer tokenizer, string graphName = "phi3v_text")
    {
        int hidden = options.HiddenSize, headSize = options.HeadSize, kvHeads = options.KeyValueHeads, vocabulary = tokenizer.VocabularySize;
        var b = new GraphBuilder(graphName, unchecked(options.Seed + 2));
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
        GraphValue totalLength64 = b.Gather(b.Shape(attentionMask, "/model/attn_mask_reformat/Shape_output_0"), b.Scalar(1L), 0, "/model/attn_mask_reformat/Gather_output_0");
        GraphValue totalLength = b.Cast(totalLength64, OnnxDataType.Int32, "/model/attn_mask_reformat/Cast_1_output_0");

        (float[] cos, float[] sin) = RotaryCaches(options.MaxLength, headSize);
        GraphValue cosCache = b.Initializer<float>("cos_cache", [options.MaxLength, headSize / 2], cos);
        GraphValue sinCache = b.Initializer<float>("sin_cache", [options.MaxLength, headSize / 2], sin);

        GraphValue residual = inputsEmbeds;
        GraphValue x = b.SimplifiedLayerNormalization(inputsEmbeds, NormWeight(b, weights, "model.layers.0.input_layernorm.weight", hidden), 1e-5f,
            name: "/model/layers.0/input_layernorm/LayerNorm_output_0");
        for (int layer = 0; layer < options.DecoderLayers; layer++)
        {
            string path = $"/model/layers.{layer}", prefix = $"model.layers.{layer}";
            GraphValue q = Projection(b, weights, options.DecoderWeights, x, hidden, options.AttentionHeads * headSize, $"{prefix}.attn.q_proj", $"{path}/attn/q_proj");
            GraphValue k = Projection(b, weights, options.DecoderWeights, x, hidden, kvHeads * headSize, $"{prefix}.attn.k_proj", $"{path}/attn/k_proj");
            GraphValue v = Projection(b, weights, options.DecoderWeights, x, hidden, kvHeads * headSize, $"{prefix}.attn.v_proj", $"{path}/attn/v_proj");
            (GraphValue attention, GraphValue presentKey, GraphValue presentValue) = b.GroupQueryAttention(
                q, k, v, pastKeys[layer], pastValues[layer], seqLensK, totalLength, options.AttentionHeads, kvHeads, cosCache, sinCache,
                outputName: $"{path}/attn/GroupQueryAttention_output_0", presentKeyName: $"present.{layer}.key", presentValueName: $"present.{layer}.value");
            b.Output(presentKey, "batch_size", kvHeads, "total_sequence_length", headSize);
            b.Output(presentValue, "batch_size", kvHeads, "total_sequence_length", headSize);
            GraphValue attentionOut = Projection(b, weights, options.DecoderWeights, attention, options.AttentionHeads * headSize, hidden, $"{prefix}.attn.o_proj", $"{path}/attn/o_proj");
            (x, residual) = b.SkipSimplifiedLayerNormalization(attentionOut, residual, NormWeight(b, weights, $"{prefix}.post_attention_layernorm.weight", hidden), 1e-5f,
                $"{path}/post_attention_layernorm/SkipLayerNorm_output_0", $"{path}/post_attention_layernorm/SkipLayerNorm_output_3");

            // SiLU-gated MLP.
            GraphValue gate = Projection(b, weights, options.DecoderWeights, x, hidden, options.IntermediateSize, $"{prefix}.mlp.gate_proj", $"{path}/mlp/gate_proj");
            GraphValue up = Projection(b, weights, options.DecoderWeights, x, hidden, options.IntermediateSize, $"{prefix}.mlp.up_proj", $"{path}/mlp/up_proj");
            GraphValue silu = b.Mul(gate, b.Sigmoid(gate, $"{path}/mlp/act_fn/Sigmoid_output_0"), $"{path}/mlp/act_fn/Mul_output_0");
            GraphValue down = Projection(b, weights, options.DecoderWeights, b.Mul(silu, up, $"{path}/mlp/Mul_output_0"), options.IntermediateSize, hidden, $"{prefix}.mlp.down_proj", $"{path}/mlp/down_proj");

            bool last = layer == options.DecoderLayers - 1;
            string nextNorm = last ? "model.norm.weight" : $"model.layers.{layer + 1}.input_layernorm.weight";
            string nextPath = last ? "/model/norm" : $"/model/layers.{layer + 1}/input_layernorm";
            (x, residual) = b.SkipSimplifiedLayerNormalization(down, residual, NormWeight(b, weights, nextNorm, hidden), 1e-5f,
                $"{nextPath}/SkipLayerNorm_output_0", last ? string.Empty : $"{nextPath}/SkipLayerNorm_output_3");
        }

        GraphValue logits = Projection(b, weights, options.DecoderWeights, x, hidden, tokenizer.CompactSize, "lm_head", "/lm_head");
        if (tokenizer.IsSparse)
        {
            logits = Widened(b, logits, tokenizer);
        }

        if (options.Script is { } script)
        {
            logits = b.Add(logits, ScriptBias(b, script, options.MaxLength, tokenizer, inputsEmbeds, totalLength64), "/script/Add_output_0");
        }

        b.Output("logits", logits, "batch_size", "sequence_length", vocabulary);
        return ExportNaming.NameNodesAfterOutputs(b.Build());
    }

    // Compact logits [batch, seq, base + specials] -> the declared width, each special at its id and every id without a
    // token far below any real logit, so greedy search never picks an id the tokenizer cannot decode.
    private static GraphValue Widened(GraphBuilder b, GraphValue logits, DemoTokenizer tokenizer)
    {
        const string path = "/lm_head/widen";
        int baseSize = tokenizer.BaseVocabularySize, specials = tokenizer.CompactSize - baseSize;
        GraphValue leading = b.Slice(b.Shape(logits, $"{path}/Shape_output_0"), [0], [2], name: $"{path}/Slice_output_0");
        GraphValue Filler(int width, string name) =>
            b.Expand(b.Scalar(-1e4f), b.Concat(0, [leading, b.Int64s(width)], $"{path}/{name}_shape_output_0"), $"{path}/{name}_output_0");

        var parts = new List<GraphValue> { b.Slice(logits, [0], [baseSize], [2], name: $"{path}/base_output_0") };
        if (tokenizer.FirstSpecialId > baseSize)
        {
            parts.Add(Filler(tokenizer.FirstSpecialId - baseSize, "gap"));
        }

        parts.Add(b.Slice(logits, [baseSize], [long.MaxValue], [2], name: $"{path}/specials_output_0"));
        int tail = tokenizer.VocabularySize - tokenizer.FirstSpecialId - specials;
        if (tail > 0)
        {
            parts.Add(Filler(tail, "tail"));
        }

        return b.Concat(2, parts, $"{path}/Concat_output_0");
    }

    // Float: MatMul by the [in, out] weight "{name}.weight". Int4: MatMulNBits over "{name}.MatMul.weight_Q4" and its
    // scales, as published exports name them; random codes are drawn directly (symmetric, zero point 8) and scaled so
    // outputs keep roughly unit variance, far faster than quantizing normal samples, which matters for bench-scale
    // models with tens of millions of weights; trained weights are quantized per block of 32.
    internal static GraphValue Projection(GraphBuilder b, WeightReader weights, DecoderWeightFormat format, GraphValue x, int inFeatures, int outFeatures, string name, string path)
    {
        if (format == DecoderWeightFormat.FullPrecision)
        {
            return b.MatMul(x, weights.Tensor(b, name + ".weight", [inFeatures, outFeatures], 1f / MathF.Sqrt(inFeatures)), $"{path}/MatMul_output_0");
        }

        int blocks = inFeatures / QuantizationBlock;
        byte[] packed;
        float[] scales;
        if (weights.IsRandom)
        {
            packed = new byte[(long)outFeatures * blocks * QuantizationBlock / 2];
            var random = new Random((int)b.Random.Integers(1, 0, int.MaxValue)[0]);
            random.NextBytes(packed);
            scales = new float[outFeatures * blocks];
            Array.Fill(scales, 1f / (CodeStandardDeviation * MathF.Sqrt(inFeatures)));
        }
        else
        {
            Int4Weight quantized = Int4Weight.Quantize(Transposed(weights.Values(name + ".weight", [inFeatures, outFeatures]), inFeatures, outFeatures), outFeatures, inFeatures, QuantizationBlock, withZeroPoints: false);
            (packed, scales) = (quantized.Packed, quantized.Scales);
        }

        GraphValue packedWeight = b.Initializer<byte>(name + ".MatMul.weight_Q4", [outFeatures, blocks, QuantizationBlock / 2], packed);
        GraphValue scale = b.Initializer<float>(name + ".MatMul.weight_scales", [scales.Length], scales);
        return b.Op("MatMulNBits", [x, packedWeight, scale],
            [NodeAttributes.Int("K", inFeatures), NodeAttributes.Int("N", outFeatures), NodeAttributes.Int("bits", 4), NodeAttributes.Int("block_size", QuantizationBlock)],
            $"{path}/MatMul_Q4_output_0", domain: GraphBuilder.MicrosoftDomain);
    }

    // [rows, cols] row-major -> [cols, rows] row-major.
    private static float[] Transposed(float[] values, int rows, int cols)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                result[(c * rows) + r] = values[(r * cols) + c];
            }
        }

        return result;
    }

    private static GraphValue NormWeight(GraphBuilder b, WeightReader weights, string name, int width) =>
        weights.Tensor(b, name, [width], 0.05f, mean: 1f);

    // cos/sin of p * theta^(-2i / headSize), [maxLength, headSize / 2]: the caches GroupQueryAttention rotates with.
    internal static (float[] Cos, float[] Sin) RotaryCaches(int maxLength, int headSize, double theta = RopeTheta)
    {
        int half = headSize / 2;
        var cos = new float[maxLength * half];
        var sin = new float[maxLength * half];
        for (int p = 0; p < maxLength; p++)
        {
            for (int i = 0; i < half; i++)
            {
                double angle = p * Math.Pow(theta, -2.0 * i / headSize);
                cos[p * half + i] = (float)Math.Cos(angle);
                sin[p * half + i] = (float)Math.Sin(angle);
            }
        }

        return (cos, sin);
    }

    // Row r of this run sits at position p = total - seq + r and must predict table[p]: a one-hot of width vocabulary
    // times a margin that swamps the random logits. After the script and its end token, no bias: a later turn is the
    // random model's own.
    private static GraphValue ScriptBias(GraphBuilder b, TinyPhi3VisionScript script, int maxLength, DemoTokenizer tokenizer, GraphValue inputsEmbeds, GraphValue totalLength)
    {
        var table = new long[maxLength];
        for (int p = 0; p < maxLength; p++)
        {
            int step = p - (script.PromptLength - 1);
            table[p] = step >= 0 && step < script.Tokens.Count ? script.Tokens[step] : step == script.Tokens.Count ? tokenizer.EndId : -1;
        }

        GraphValue sequenceLength = b.Gather(b.Shape(inputsEmbeds, "/script/Shape_output_0"), b.Scalar(1L), 0, "/script/Gather_output_0");
        GraphValue start = b.Sub(totalLength, sequenceLength, "/script/Sub_output_0");
        GraphValue positions = b.Op("Range", [start, totalLength, b.Scalar(1L)], name: "/script/Range_output_0");
        positions = b.Op("Min", [positions, b.Scalar((long)maxLength - 1)], name: "/script/Min_output_0");
        GraphValue targets = b.Gather(b.Initializer<long>("script.targets", [maxLength], table), positions, 0, "/script/Gather_1_output_0");
        var vocabularyIds = new long[tokenizer.VocabularySize];
        for (int i = 0; i < vocabularyIds.Length; i++)
        {
            vocabularyIds[i] = i;
        }

        GraphValue hits = b.Equal(b.Unsqueeze(targets, [1], "/script/Unsqueeze_output_0"), b.Initializer<long>("script.vocabulary", [vocabularyIds.Length], vocabularyIds), "/script/Equal_output_0");
        return b.Mul(b.Cast(hits, OnnxDataType.Float, "/script/Cast_output_0"), b.Scalar(ScriptMargin), "/script/Mul_output_0"); // [seq, vocabulary]
    }
}
