namespace VisPruner.Onnx;

// ONNX Runtime contrib operators used by published ORT GenAI decoders (CPU kernels exist for all).
internal sealed partial class GraphBuilder
{
    /// <summary>
    /// <c>com.microsoft.GroupQueryAttention</c>: causal attention of <paramref name="numHeads"/> query heads over
    /// <paramref name="kvNumHeads"/> shared key/value heads, appending the new keys and values to the cache; with a
    /// <paramref name="localWindowSize"/> each query sees only that many most recent positions, itself included (sliding-window layers).
    /// Query is <c>[batch, seq, numHeads * headSize]</c>, key/value <c>[batch, seq, kvNumHeads * headSize]</c>,
    /// past/present key/value <c>[batch, kvNumHeads, pastSeq|totalSeq, headSize]</c>, <paramref name="seqLensK"/>
    /// int32 <c>[batch]</c> (total length - 1), <paramref name="totalSequenceLength"/> an int32 scalar. With
    /// <paramref name="cosCache"/>/<paramref name="sinCache"/> (<c>[maxSeq, rotaryDim / 2]</c>) rotary embedding is applied inside.
    /// </summary>
    public (GraphValue Output, GraphValue PresentKey, GraphValue PresentValue) GroupQueryAttention(
        GraphValue query,
        GraphValue key,
        GraphValue value,
        GraphValue pastKey,
        GraphValue pastValue,
        GraphValue seqLensK,
        GraphValue totalSequenceLength,
        int numHeads,
        int kvNumHeads,
        GraphValue? cosCache = null,
        GraphValue? sinCache = null,
        bool rotaryInterleaved = false,
        float? scale = null,
        string? outputName = null,
        string? presentKeyName = null,
        string? presentValueName = null,
        int? localWindowSize = null)
    {
        if (cosCache.HasValue != sinCache.HasValue)
        {
            throw new ArgumentException("Rotary embedding needs both the cos and the sin cache.", nameof(sinCache));
        }

        var attributes = new List<Protobuf.AttributeProto>
        {
            NodeAttributes.Int("num_heads", numHeads),
            NodeAttributes.Int("kv_num_heads", kvNumHeads),
            NodeAttributes.Int("do_rotary", cosCache.HasValue ? 1 : 0),
            NodeAttributes.Int("rotary_interleaved", rotaryInterleaved ? 1 : 0),
        };
        if (scale is float s)
        {
            attributes.Add(NodeAttributes.Float("scale", s));
        }

        if (localWindowSize is int window)
        {
            attributes.Add(NodeAttributes.Int("local_window_size", window));
        }

        var inputs = new List<GraphValue> { query, key, value, pastKey, pastValue, seqLensK, totalSequenceLength };
        if (cosCache is { } cos && sinCache is { } sin)
        {
            inputs.Add(cos);
            inputs.Add(sin);
        }

        GraphValue[] outputs = Node("GroupQueryAttention", inputs, 3, attributes, MicrosoftDomain, [outputName, presentKeyName, presentValueName]);
        return (outputs[0], outputs[1], outputs[2]);
    }

    /// <summary>
    /// <c>com.microsoft.MatMulNBits</c> with 4-bit weights: <c>A[..., K] x W[N, K]^T -> [..., N]</c>. The packed
    /// weight, scales and zero points become initializers named <paramref name="weightName"/> plus a suffix.
    /// </summary>
    public GraphValue MatMulNBits(GraphValue a, Int4Weight weight, string weightName, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        GraphValue packed = Initializer<byte>(weightName + ".qweight", [weight.N, weight.BlocksPerRow, weight.BlockSize / 2], weight.Packed);
        GraphValue scales = Initializer<float>(weightName + ".scales", [weight.N * weight.BlocksPerRow], weight.Scales);
        var inputs = new List<GraphValue> { a, packed, scales };
        if (weight.ZeroPoints is { } zeroPoints)
        {
            inputs.Add(Initializer<byte>(weightName + ".qzeros", [zeroPoints.Length], zeroPoints));
        }

        return Op("MatMulNBits", inputs,
            [NodeAttributes.Int("K", weight.K), NodeAttributes.Int("N", weight.N), NodeAttributes.Int("bits", 4), NodeAttributes.Int("block_size", weight.BlockSize)],
            name, domain: MicrosoftDomain);
    }

    /// <summary>RMS normalisation, <c>x / sqrt(mean(x^2) + epsilon) * scale</c> (ONNX Runtime registers it in the default domain).</summary>
    public GraphValue SimplifiedLayerNormalization(GraphValue x, GraphValue scale, float epsilon = 1e-5f, long axis = -1, string? name = null) =>
        Op("SimplifiedLayerNormalization", [x, scale], [NodeAttributes.Int("axis", axis), NodeAttributes.Float("epsilon", epsilon)], name);

    /// <summary>
    /// <c>com.microsoft.SkipSimplifiedLayerNormalization</c>: RMS-normalises <c>x + skip</c>; also returns the sum,
    /// the residual stream of the next layer.
    /// </summary>
    public (GraphValue Output, GraphValue Sum) SkipSimplifiedLayerNormalization(GraphValue x, GraphValue skip, GraphValue scale, float epsilon = 1e-5f, string? name = null, string? sumName = null)
    {
        GraphValue[] outputs = Node("SkipSimplifiedLayerNormalization", [x, skip, scale], 4, [NodeAttributes.Float("epsilon", epsilon)], MicrosoftDomain, [name, string.Empty, string.Empty, sumName]);
        return (outputs[0], outputs[3]);
    }

    /// <summary>
    /// <c>com.microsoft.RotaryEmbedding</c> on <c>[batch, seq, heads * headSize]</c> (give <paramref name="numHeads"/>)
    /// or <c>[batch, heads, seq, headSize]</c>, with int64 <paramref name="positionIds"/> <c>[batch, seq]</c> and
    /// cos/sin caches <c>[maxPosition, rotaryDim / 2]</c>.
    /// </summary>
    public GraphValue RotaryEmbedding(GraphValue x, GraphValue positionIds, GraphValue cosCache, GraphValue sinCache, bool interleaved = false, int numHeads = 0, string? name = null)
    {
        var attributes = new List<Protobuf.AttributeProto> { NodeAttributes.Int("interleaved", interleaved ? 1 : 0) };
        if (numHeads > 0)
        {
            attributes.Add(NodeAttributes.Int("num_heads", numHeads));
        }

        return Op("RotaryEmbedding", [x, positionIds, cosCache, sinCache], attributes, name, domain: MicrosoftDomain);
    }
}
