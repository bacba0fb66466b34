namespace VisPruner.Onnx;

// Composite layers built from standard operators, for vision encoders and other tiny test models.
internal sealed partial class GraphBuilder
{
    /// <summary>
    /// Bidirectional multi-head self-attention over <c>[batch, seq, hidden]</c> (as in a ViT block): seeded
    /// q/k/v/out projections named <paramref name="prefix"/><c>.q_proj</c> etc., softmax(q k^T / sqrt(d)) v per head.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="hidden"/> is not a multiple of <paramref name="heads"/>.</exception>
    public GraphValue MultiHeadSelfAttention(GraphValue x, int hidden, int heads, string prefix, float std = 0.02f, string? name = null)
    {
        if (heads <= 0 || hidden % heads != 0)
        {
            throw new ArgumentException($"The hidden size {hidden} must be a multiple of the head count {heads}.", nameof(heads));
        }

        int headSize = hidden / heads;
        GraphValue SplitHeads(GraphValue t, long[] perm) => Transpose(Reshape(t, [0, 0, heads, headSize]), perm);

        GraphValue q = SplitHeads(Linear(x, hidden, hidden, prefix + ".q_proj", std: std), [0, 2, 1, 3]);  // [b, h, s, d]
        GraphValue kT = SplitHeads(Linear(x, hidden, hidden, prefix + ".k_proj", std: std), [0, 2, 3, 1]); // [b, h, d, s]
        GraphValue v = SplitHeads(Linear(x, hidden, hidden, prefix + ".v_proj", std: std), [0, 2, 1, 3]);  // [b, h, s, d]
        GraphValue scores = Mul(MatMul(q, kT), Scalar(1f / MathF.Sqrt(headSize)));
        GraphValue context = Transpose(MatMul(Softmax(scores), v), [0, 2, 1, 3]);                           // [b, s, h, d]
        return Linear(Reshape(context, [0, 0, hidden]), hidden, hidden, prefix + ".out_proj", std: std, name: name);
    }
}
