using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>The vision-encoder pieces the families share, named as PyTorch exports of CLIP and SigLIP name them.</summary>
internal static class VisionBlocks
{
    // Attention over `tokens` tokens of width c, with CLIP/SigLIP weight names.
    internal static GraphValue SelfAttention(GraphBuilder b, WeightReader weights, GraphValue x, int c, int heads, int tokens, VisionAttentionKind kind, string prefix, string path)
    {
        int headSize = c / heads;

        // Both variants draw the same weights in the same order, so they compute the same function.
        GraphValue q = Dense(b, weights, x, c, c, $"{prefix}.q_proj", $"{path}/q_proj");
        GraphValue k = Dense(b, weights, x, c, c, $"{prefix}.k_proj", $"{path}/k_proj");
        GraphValue v = Dense(b, weights, x, c, c, $"{prefix}.v_proj", $"{path}/v_proj");

        GraphValue context;
        if (kind == VisionAttentionKind.MultiHeadAttention)
        {
            context = b.Op("MultiHeadAttention", [q, k, v], [NodeAttributes.Int("num_heads", heads)], $"{path}/MultiHeadAttention_output_0", domain: GraphBuilder.MicrosoftDomain);
        }
        else
        {
            GraphValue qHeads = b.Transpose(b.Reshape(q, [0, tokens, heads, headSize], $"{path}/Reshape_output_0"), [0, 2, 1, 3], $"{path}/Transpose_output_0");
            GraphValue kHeads = b.Transpose(b.Reshape(k, [0, tokens, heads, headSize], $"{path}/Reshape_1_output_0"), [0, 2, 3, 1], $"{path}/Transpose_1_output_0");
            GraphValue vHeads = b.Transpose(b.Reshape(v, [0, tokens, heads, headSize], $"{path}/Reshape_2_output_0"), [0, 2, 1, 3], $"{path}/Transpose_2_output_0");
            GraphValue scores = b.Mul(b.MatMul(qHeads, kHeads, $"{path}/MatMul_output_0"), b.Scalar(1f / MathF.Sqrt(headSize)), $"{path}/Mul_output_0");
            GraphValue probabilities = b.Softmax(scores, -1, $"{path}/Softmax_output_0"); // [n, heads, tokens, tokens]
            context = b.MatMul(probabilities, vHeads, $"{path}/MatMul_1_output_0");
            context = b.Reshape(b.Transpose(context, [0, 2, 1, 3], $"{path}/Transpose_3_output_0"), [0, tokens, c], $"{path}/Reshape_3_output_0");
        }

        return Dense(b, weights, context, c, c, $"{prefix}.out_proj", $"{path}/out_proj");
    }

    // A PyTorch Linear as exported: MatMul by the [in, out] weight "{prefix}.weight", then Add of "{prefix}.bias".
    // Weights of variance 1 / in keep activations near unit scale, so attention is far from uniform.
    internal static GraphValue Dense(GraphBuilder b, WeightReader weights, GraphValue x, int inFeatures, int outFeatures, string prefix, string path)
    {
        GraphValue weight = weights.Tensor(b, prefix + ".weight", [inFeatures, outFeatures], 1f / MathF.Sqrt(inFeatures));
        GraphValue bias = weights.Tensor(b, prefix + ".bias", [outFeatures], 0.02f);
        return b.Add(b.MatMul(x, weight, path + "/MatMul_output_0"), bias, path + "/Add_output_0");
    }

    internal static GraphValue LayerNorm(GraphBuilder b, WeightReader weights, GraphValue x, int width, string prefix, string path)
    {
        GraphValue scale = weights.Tensor(b, $"{prefix}.weight", [width], 0.1f, mean: 1f);
        GraphValue bias = weights.Tensor(b, $"{prefix}.bias", [width], 0.1f);
        return b.LayerNormalization(x, scale, bias, epsilon: 1e-5f, name: $"{path}/LayerNormalization_output_0");
    }

    // [rows, cols, C] -> each row followed by the separator -> [rows * (cols + 1), C].
    internal static GraphValue WithRowSeparators(GraphBuilder b, GraphValue grid, GraphValue separator, GraphValue rows, int merged, string path)
    {
        GraphValue separatorShape = b.Concat(0, [rows, b.Int64s(1, merged)], $"{path}/separator_shape_output_0");
        GraphValue separators = b.Expand(b.Reshape(separator, [1, 1, merged]), separatorShape, $"{path}/Expand_output_0");
        GraphValue withSeparators = b.Concat(1, [grid, separators], $"{path}/Concat_output_0");
        return b.Reshape(withSeparators, [-1, merged], $"{path}/Reshape_2_output_0");
    }
}
