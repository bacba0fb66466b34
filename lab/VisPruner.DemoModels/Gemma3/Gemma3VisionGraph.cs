using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Builds the gemma3 vision model: a SigLIP-shaped encoder (896-pixel images, 14-pixel patches, 64 x 64 patches, no
/// [CLS]) at the configured width, then Gemma 3's multimodal projector: 4 x 4 average pooling to 16 x 16 = 256 tokens,
/// an RMS norm and a linear map into the decoder's width.
/// </summary>
internal static class Gemma3VisionGraph
{
    public const int ImageSize = 896;
    public const int PatchSize = 14;
    public const int PatchesPerSide = ImageSize / PatchSize; // 64
    public const int PooledPerSide = 16;
    public const int TokensPerImage = PooledPerSide * PooledPerSide; // 256
    private const int Patches = PatchesPerSide * PatchesPerSide; // 4096
    private const int PoolKernel = PatchesPerSide / PooledPerSide; // 4
    private const string Tower = "vision_tower.vision_model"; // weight-name prefix
    private const string TowerPath = "/vision_tower/vision_model"; // node-path prefix

    public static ModelProto Build(TinyGemma3Options options, WeightReader weights)
    {
        int c = options.VisionHiddenSize, hidden = options.HiddenSize;
        var b = new GraphBuilder("gemma3_vision", options.Seed);
        GraphValue pixelValues = b.Input("pixel_values", OnnxDataType.Float, "num_images", 3, ImageSize, ImageSize);
        GraphValue features = Encoder(b, options, weights, pixelValues); // [n, 4096, C]

        // Projector: back to the 64 x 64 grid, 4 x 4 average pooling, then [n, 256, C] in row-major token order.
        const string projector = "/multi_modal_projector";
        GraphValue grid = b.Reshape(b.Transpose(features, [0, 2, 1], $"{projector}/Transpose_output_0"), [0, c, PatchesPerSide, PatchesPerSide], $"{projector}/Reshape_output_0");
        GraphValue pooled = b.Op("AveragePool", [grid],
            [NodeAttributes.Ints("kernel_shape", PoolKernel, PoolKernel), NodeAttributes.Ints("strides", PoolKernel, PoolKernel)],
            $"{projector}/avg_pool/AveragePool_output_0");
        GraphValue tokens = b.Transpose(b.Reshape(pooled, [0, c, TokensPerImage], $"{projector}/Reshape_1_output_0"), [0, 2, 1], $"{projector}/Transpose_1_output_0");
        GraphValue normed = b.SimplifiedLayerNormalization(tokens, weights.Tensor(b, "multi_modal_projector.mm_soft_emb_norm.weight", [c], 0.05f, mean: 1f), 1e-6f,
            name: $"{projector}/mm_soft_emb_norm/LayerNorm_output_0");
        GraphValue projected = b.MatMul(normed, weights.Tensor(b, "multi_modal_projector.mm_input_projection_weight", [c, hidden], 1f / MathF.Sqrt(c)),
            $"{projector}/MatMul_output_0"); // [n, 256, hidden]

        if (options.ImageFeaturesRank == 2)
        {
            b.Output("image_features", b.Reshape(projected, [-1, hidden], $"{projector}/Reshape_2_output_0"), "num_image_tokens", hidden);
        }
        else
        {
            b.Output("image_features", projected, "num_images", "num_image_tokens", hidden);
        }

        return ExportNaming.NameNodesAfterOutputs(b.Build());
    }

    private static GraphValue Encoder(GraphBuilder b, TinyGemma3Options options, WeightReader weights, GraphValue pixelValues)
    {
        int c = options.VisionHiddenSize;
        const string embeddings = $"{TowerPath}/embeddings";

        // Patch embedding as in SigLIP: a 14 x 14 stride-14 convolution with bias, [n, C, 64, 64] -> [n, 4096, C].
        GraphValue patchWeight = weights.Tensor(b, $"{Tower}.embeddings.patch_embedding.weight", [c, 3, PatchSize, PatchSize], 0.02f);
        GraphValue patchBias = weights.Tensor(b, $"{Tower}.embeddings.patch_embedding.bias", [c], 0.02f);
        GraphValue patches = b.Op("Conv", [pixelValues, patchWeight, patchBias],
            [NodeAttributes.Ints("kernel_shape", PatchSize, PatchSize), NodeAttributes.Ints("strides", PatchSize, PatchSize)],
            $"{embeddings}/patch_embedding/Conv_output_0");
        patches = b.Reshape(patches, [0, c, Patches], $"{embeddings}/Reshape_output_0");
        patches = b.Transpose(patches, [0, 2, 1], $"{embeddings}/Transpose_output_0");
        GraphValue hiddenStates = b.Add(patches, weights.Tensor(b, $"{Tower}.embeddings.position_embedding.weight", [Patches, c], 0.5f), $"{embeddings}/Add_output_0");

        for (int layer = 0; layer < options.VisionLayers; layer++)
        {
            string prefix = $"{Tower}.encoder.layers.{layer}", path = $"{TowerPath}/encoder/layers.{layer}";
            GraphValue normed = VisionBlocks.LayerNorm(b, weights, hiddenStates, c, $"{prefix}.layer_norm1", $"{path}/layer_norm1");
            GraphValue attention = VisionBlocks.SelfAttention(b, weights, normed, c, options.VisionHeads, Patches, options.VisionAttention, prefix + ".self_attn", path + "/self_attn");
            hiddenStates = b.Add(hiddenStates, attention, $"{path}/Add_output_0");

            normed = VisionBlocks.LayerNorm(b, weights, hiddenStates, c, $"{prefix}.layer_norm2", $"{path}/layer_norm2");
            GraphValue mlp = VisionBlocks.Dense(b, weights, normed, c, options.VisionIntermediateSize, $"{prefix}.mlp.fc1", $"{path}/mlp/fc1");
            mlp = b.Gelu(mlp, tanhApproximation: true, name: $"{path}/mlp/activation_fn/Gelu_output_0");
            mlp = VisionBlocks.Dense(b, weights, mlp, options.VisionIntermediateSize, c, $"{prefix}.mlp.fc2", $"{path}/mlp/fc2");
            hiddenStates = b.Add(hiddenStates, mlp, $"{path}/Add_1_output_0");
        }

        return VisionBlocks.LayerNorm(b, weights, hiddenStates, c, $"{Tower}.post_layernorm", $"{TowerPath}/post_layernorm");
    }
}
