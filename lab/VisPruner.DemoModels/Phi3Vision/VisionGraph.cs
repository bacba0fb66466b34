using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Builds the phi3v vision model: a CLIP ViT-L/14-336-shaped encoder (at the configured width) over the global view
/// and the sub-crops, features of the penultimate layer without [CLS], the 2 x 2 merge, the HD layout with the learned
/// <c>sub_GN</c>/<c>glb_GN</c> separators, and the projector MLP into the decoder's width.
/// </summary>
internal static class VisionGraph
{
    public const int ImageSize = 336;
    public const int PatchSize = 14;
    private const int PatchesPerSide = ImageSize / PatchSize; // 24
    private const int Patches = PatchesPerSide * PatchesPerSide; // 576
    private const int Tokens = Patches + 1; // with [CLS]
    private const int MergedPerSide = PatchesPerSide / 2; // 12

    public static ModelProto Build(TinyPhi3VisionOptions options, WeightReader weights)
    {
        int c = options.VisionHiddenSize, merged = 4 * c, hidden = options.HiddenSize;
        var b = new GraphBuilder("phi3v_vision", options.Seed);
        GraphValue pixelValues = b.Input("pixel_values", OnnxDataType.Float, "num_images", "max_num_crops", 3, ImageSize, ImageSize);
        GraphValue imageSizes = b.Input("image_sizes", OnnxDataType.Int64, "num_images", 2);

        // One image per run: both squeezes fail with a shape error for any other batch size.
        GraphValue crops = b.Squeeze(pixelValues, [0], "/vision_model/pixel_values/Squeeze_output_0");
        GraphValue size = b.Reshape(imageSizes, [2], "/hd/image_size/Reshape_output_0");
        GraphValue grid = b.Div(size, b.Int64s(ImageSize, ImageSize), "/hd/crop_grid/Div_output_0"); // [h_c, w_c]
        GraphValue cropCount = b.Add(
            b.Op("ReduceProd", [grid, b.Int64s(0)], [NodeAttributes.Int("keepdims", 1)], "/hd/crop_count/ReduceProd_output_0"),
            b.Int64s(1), "/hd/crop_count/Add_output_0"); // global view + h_c * w_c sub-crops
        crops = b.Op("Slice", [crops, b.Int64s(0), cropCount, b.Int64s(0)], name: "/hd/used_crops/Slice_output_0");

        GraphValue features = Encoder(b, options, weights, crops, cropCount);

        // [n, 577, C] -> drop [CLS] -> 2 x 2 merge by concatenation in (dy, dx) order -> [n, 12, 12, 4C].
        features = b.Slice(features, [1], [Tokens], [1], name: "/hd/drop_cls/Slice_output_0");
        features = b.Reshape(features, [-1, MergedPerSide, 2, MergedPerSide, 2, c], "/hd/merge/Reshape_output_0");
        features = b.Transpose(features, [0, 1, 3, 2, 4, 5], "/hd/merge/Transpose_output_0");
        features = b.Reshape(features, [-1, MergedPerSide, MergedPerSide, merged], "/hd/merge/Reshape_1_output_0");

        GraphValue subSeparator = weights.Tensor(b, "sub_GN", [1, 1, 1, merged], 1f);
        GraphValue globalSeparator = b.Reshape(weights.Tensor(b, "glb_GN", [1, 1, merged], 1f), [1, merged], "/hd/glb_GN/Reshape_output_0");

        // Sub-crops row-major into one (h_c * 12) x (w_c * 12) grid, each token row closed by sub_GN.
        GraphValue subCrops = b.Slice(features, [1], [long.MaxValue], [0], name: "/hd/sub_crops/Slice_output_0");
        GraphValue subShape = b.Concat(0, [grid, b.Int64s(MergedPerSide, MergedPerSide, merged)], "/hd/sub_crops/shape_output_0");
        subCrops = b.Reshape(subCrops, subShape, "/hd/sub_crops/Reshape_output_0"); // [h_c, w_c, 12, 12, 4C]
        subCrops = b.Transpose(subCrops, [0, 2, 1, 3, 4], "/hd/sub_crops/Transpose_output_0"); // [h_c, 12, w_c, 12, 4C]
        GraphValue gridTokens = b.Mul(grid, b.Int64s(MergedPerSide, MergedPerSide), "/hd/sub_crops/grid_tokens_output_0");
        subCrops = b.Reshape(subCrops, b.Concat(0, [gridTokens, b.Int64s(merged)], "/hd/sub_crops/shape_1_output_0"), "/hd/sub_crops/Reshape_1_output_0");
        GraphValue subRows = VisionBlocks.WithRowSeparators(b, subCrops, subSeparator, b.Slice(gridTokens, [0], [1]), merged, "/hd/sub_crops");

        // The global view: 12 x 12 tokens, each row closed by sub_GN.
        GraphValue globalView = b.Slice(features, [0], [1], [0], name: "/hd/global/Slice_output_0");
        globalView = b.Reshape(globalView, [MergedPerSide, MergedPerSide, merged], "/hd/global/Reshape_output_0");
        GraphValue globalRows = VisionBlocks.WithRowSeparators(b, globalView, subSeparator, b.Int64s(MergedPerSide), merged, "/hd/global");

        GraphValue sequence = b.Concat(0, [subRows, globalSeparator, globalRows], "/hd/Concat_output_0");

        // Projector: Linear(4C -> H), GELU, Linear(H -> H).
        GraphValue projected = VisionBlocks.Dense(b, weights, sequence, merged, hidden, "img_projection.0", "/img_projection/img_projection.0");
        projected = b.Gelu(projected, name: "/img_projection/img_projection.1/Gelu_output_0");
        projected = VisionBlocks.Dense(b, weights, projected, hidden, hidden, "img_projection.2", "/img_projection/img_projection.2");
        b.Output("image_features", projected, "num_image_tokens", hidden);
        return ExportNaming.NameNodesAfterOutputs(b.Build());
    }

    private static GraphValue Encoder(GraphBuilder b, TinyPhi3VisionOptions options, WeightReader weights, GraphValue crops, GraphValue cropCount)
    {
        int c = options.VisionHiddenSize;
        const string embeddings = "/vision_model/embeddings";

        // Patch embedding as in CLIP: a 14 x 14 stride-14 convolution without bias, [n, C, 24, 24] -> [n, 576, C].
        GraphValue patchWeight = weights.Tensor(b, "vision_model.embeddings.patch_embedding.weight", [c, 3, PatchSize, PatchSize], 0.02f);
        GraphValue patches = b.Op("Conv", [crops, patchWeight],
            [NodeAttributes.Ints("kernel_shape", PatchSize, PatchSize), NodeAttributes.Ints("strides", PatchSize, PatchSize)],
            $"{embeddings}/patch_embedding/Conv_output_0");
        patches = b.Reshape(patches, [0, c, Patches], $"{embeddings}/Reshape_output_0");
        patches = b.Transpose(patches, [0, 2, 1], $"{embeddings}/Transpose_output_0");

        GraphValue classEmbedding = weights.Tensor(b, "vision_model.embeddings.class_embedding", [1, 1, c], 1f);
        GraphValue classTokens = b.Expand(classEmbedding, b.Concat(0, [cropCount, b.Int64s(1, c)], $"{embeddings}/cls_shape_output_0"), $"{embeddings}/Expand_output_0");
        GraphValue hiddenStates = b.Concat(1, [classTokens, patches], $"{embeddings}/Concat_output_0");
        hiddenStates = b.Add(hiddenStates, weights.Tensor(b, "vision_model.embeddings.position_embedding.weight", [Tokens, c], 0.5f), $"{embeddings}/Add_output_0");
        hiddenStates = VisionBlocks.LayerNorm(b, weights, hiddenStates, c, "vision_model.pre_layrnorm", "/vision_model/pre_layrnorm");

        for (int layer = 0; layer < options.VisionGraphLayers; layer++)
        {
            string prefix = $"vision_model.encoder.layers.{layer}", path = $"/vision_model/encoder/layers.{layer}";
            GraphValue normed = VisionBlocks.LayerNorm(b, weights, hiddenStates, c, $"{prefix}.layer_norm1", $"{path}/layer_norm1");
            GraphValue attention = VisionBlocks.SelfAttention(b, weights, normed, c, options.VisionHeads, Tokens, options.VisionAttention, prefix + ".self_attn", path + "/self_attn");
            hiddenStates = b.Add(hiddenStates, attention, $"{path}/Add_output_0");

            normed = VisionBlocks.LayerNorm(b, weights, hiddenStates, c, $"{prefix}.layer_norm2", $"{path}/layer_norm2");
            GraphValue mlp = VisionBlocks.Dense(b, weights, normed, c, options.VisionIntermediateSize, $"{prefix}.mlp.fc1", $"{path}/mlp/fc1");
            GraphValue gate = b.Sigmoid(b.Mul(mlp, b.Scalar(1.702f), $"{path}/mlp/activation_fn/Mul_output_0"), $"{path}/mlp/activation_fn/Sigmoid_output_0");
            mlp = b.Mul(mlp, gate, $"{path}/mlp/activation_fn/Mul_1_output_0"); // quick GELU
            mlp = VisionBlocks.Dense(b, weights, mlp, options.VisionIntermediateSize, c, $"{prefix}.mlp.fc2", $"{path}/mlp/fc2");
            hiddenStates = b.Add(hiddenStates, mlp, $"{path}/Add_1_output_0");
        }

        return hiddenStates;
    }
}
