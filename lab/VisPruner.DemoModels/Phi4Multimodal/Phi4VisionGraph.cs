using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Builds the phi4mm vision model as Hugging Face's Phi-4-multimodal computes it: a SigLIP-shaped encoder (no [CLS])
/// over the global view and the 448-pixel sub-crops, 2 x 2 average pooling to 16 x 16 tokens per crop, the
/// <c>sub_glb</c> HD layout with the learned <c>sub_GN</c>/<c>glb_GN</c> separators, the sub-crop grid cut to the rows and
/// columns <c>image_attention_mask</c> marks as image (not padding), and the projector MLP into the decoder's width.
/// </summary>
internal static class Phi4VisionGraph
{
    public const int CropSize = 448;
    public const int PatchSize = 14;
    public const int PatchesPerSide = CropSize / PatchSize; // 32, also the mask's side
    public const int PooledPerSide = PatchesPerSide / 2; // 16
    private const int Patches = PatchesPerSide * PatchesPerSide; // 1024

    public static ModelProto Build(TinyPhi4MultimodalOptions options, WeightReader weights)
    {
        int c = options.VisionHiddenSize, hidden = options.HiddenSize;
        var b = new GraphBuilder("phi4mm_vision", options.Seed);
        GraphValue pixelValues = b.Input("pixel_values", OnnxDataType.Float, "num_images", "max_num_crops", 3, CropSize, CropSize);
        GraphValue attentionMask = b.Input("image_attention_mask", OnnxDataType.Float, "num_images", "max_num_crops", PatchesPerSide, PatchesPerSide);
        GraphValue imageSizes = b.Input("image_sizes", OnnxDataType.Int64, "num_images", 2);

        // One image per run: the squeezes fail with a shape error for any other batch size.
        GraphValue crops = b.Squeeze(pixelValues, [0], "/vision_model/pixel_values/Squeeze_output_0");
        GraphValue masks = b.Squeeze(attentionMask, [0], "/hd/mask/Squeeze_output_0");
        GraphValue size = b.Reshape(imageSizes, [2], "/hd/image_size/Reshape_output_0");
        GraphValue grid = b.Div(size, b.Int64s(CropSize, CropSize), "/hd/crop_grid/Div_output_0"); // [h_c, w_c]
        GraphValue cropCount = b.Add(
            b.Op("ReduceProd", [grid, b.Int64s(0)], [NodeAttributes.Int("keepdims", 1)], "/hd/crop_count/ReduceProd_output_0"),
            b.Int64s(1), "/hd/crop_count/Add_output_0"); // global view + h_c * w_c sub-crops
        crops = b.Op("Slice", [crops, b.Int64s(0), cropCount, b.Int64s(0)], name: "/hd/used_crops/Slice_output_0");

        GraphValue features = Encoder(b, options, weights, crops);

        // [n, 1024, C] -> [n, C, 32, 32] -> 2 x 2 average -> [n, 16, 16, C].
        features = b.Transpose(b.Reshape(features, [-1, PatchesPerSide, PatchesPerSide, c], "/hd/pool/Reshape_output_0"), [0, 3, 1, 2], "/hd/pool/Transpose_output_0");
        features = b.Op("AveragePool", [features], [NodeAttributes.Ints("kernel_shape", 2, 2), NodeAttributes.Ints("strides", 2, 2)], "/hd/pool/AveragePool_output_0");
        features = b.Transpose(features, [0, 2, 3, 1], "/hd/pool/Transpose_1_output_0");

        GraphValue subSeparator = weights.Tensor(b, "sub_GN", [1, 1, 1, c], 1f);
        GraphValue globalSeparator = b.Reshape(weights.Tensor(b, "glb_GN", [1, 1, c], 1f), [1, c], "/hd/glb_GN/Reshape_output_0");

        // Sub-crops row-major into one (h_c * 16) x (w_c * 16) grid, cut to the useful rows and columns, rows closed by sub_GN.
        GraphValue subCrops = b.Slice(features, [1], [long.MaxValue], [0], name: "/hd/sub_crops/Slice_output_0");
        GraphValue gridTokens = b.Mul(grid, b.Int64s(PooledPerSide, PooledPerSide), "/hd/sub_crops/grid_tokens_output_0");
        subCrops = ToCanvas(b, subCrops, grid, gridTokens, [PooledPerSide, PooledPerSide, c], [c], "/hd/sub_crops");
        (GraphValue usefulRows, GraphValue usefulColumns) = UsefulExtent(b, masks, cropCount, grid, gridTokens);
        subCrops = b.Op("Slice", [subCrops, b.Int64s(0, 0), b.Concat(0, [usefulRows, usefulColumns], "/hd/useful/ends_output_0"), b.Int64s(0, 1)],
            name: "/hd/useful/Slice_output_0");
        GraphValue subRows = VisionBlocks.WithRowSeparators(b, subCrops, subSeparator, usefulRows, c, "/hd/sub_crops");

        // The global view: 16 x 16 tokens, each row closed by sub_GN.
        GraphValue globalView = b.Reshape(b.Slice(features, [0], [1], [0], name: "/hd/global/Slice_output_0"), [PooledPerSide, PooledPerSide, c], "/hd/global/Reshape_output_0");
        GraphValue globalRows = VisionBlocks.WithRowSeparators(b, globalView, subSeparator, b.Int64s(PooledPerSide), c, "/hd/global");

        GraphValue sequence = b.Concat(0, [subRows, globalSeparator, globalRows], "/hd/Concat_output_0"); // sub_glb order

        // Projector: Linear(C -> H), GELU, Linear(H -> H).
        GraphValue projected = VisionBlocks.Dense(b, weights, sequence, c, hidden, "img_projection.0", "/img_projection/img_projection.0");
        projected = b.Gelu(projected, name: "/img_projection/img_projection.1/Gelu_output_0");
        projected = VisionBlocks.Dense(b, weights, projected, hidden, hidden, "img_projection.2", "/img_projection/img_projection.2");
        b.Output("image_features", projected, "num_image_tokens", hidden);
        return ExportNaming.NameNodesAfterOutputs(b.Build());
    }

    // SigLIP: a biased 14 x 14 stride-14 patch convolution, learned positions (no [CLS]), pre-norm layers with a
    // tanh-GELU MLP. [n, 3, 448, 448] -> [n, 1024, C].
    private static GraphValue Encoder(GraphBuilder b, TinyPhi4MultimodalOptions options, WeightReader weights, GraphValue crops)
    {
        int c = options.VisionHiddenSize;
        const string embeddings = "/vision_model/embeddings";
        GraphValue patchWeight = weights.Tensor(b, "vision_model.embeddings.patch_embedding.weight", [c, 3, PatchSize, PatchSize], 0.02f);
        GraphValue patchBias = weights.Tensor(b, "vision_model.embeddings.patch_embedding.bias", [c], 0.02f);
        GraphValue patches = b.Op("Conv", [crops, patchWeight, patchBias],
            [NodeAttributes.Ints("kernel_shape", PatchSize, PatchSize), NodeAttributes.Ints("strides", PatchSize, PatchSize)],
            $"{embeddings}/patch_embedding/Conv_output_0");
        patches = b.Transpose(b.Reshape(patches, [0, c, Patches], $"{embeddings}/Reshape_output_0"), [0, 2, 1], $"{embeddings}/Transpose_output_0");
        GraphValue hiddenStates = b.Add(patches, weights.Tensor(b, "vision_model.embeddings.position_embedding.weight", [Patches, c], 0.5f), $"{embeddings}/Add_output_0");

        for (int layer = 0; layer < options.VisionLayers; layer++)
        {
            string prefix = $"vision_model.encoder.layers.{layer}", path = $"/vision_model/encoder/layers.{layer}";
            GraphValue normed = VisionBlocks.LayerNorm(b, weights, hiddenStates, c, $"{prefix}.layer_norm1", $"{path}/layer_norm1");
            GraphValue attention = VisionBlocks.SelfAttention(b, weights, normed, c, options.VisionHeads, Patches, options.VisionAttention, prefix + ".self_attn", path + "/self_attn");
            hiddenStates = b.Add(hiddenStates, attention, $"{path}/Add_output_0");

            normed = VisionBlocks.LayerNorm(b, weights, hiddenStates, c, $"{prefix}.layer_norm2", $"{path}/layer_norm2");
            GraphValue mlp = VisionBlocks.Dense(b, weights, normed, c, options.VisionIntermediateSize, $"{prefix}.mlp.fc1", $"{path}/mlp/fc1");
            mlp = b.Gelu(mlp, tanhApproximation: true, name: $"{path}/mlp/activation_fn/Gelu_output_0");
            mlp = VisionBlocks.Dense(b, weights, mlp, options.VisionIntermediateSize, c, $"{prefix}.mlp.fc2", $"{path}/mlp/fc2");
            hiddenStates = b.Add(hiddenStates, mlp, $"{path}/Add_1_output_0");
        }

        return hiddenStates;
    }

    // [h_c * w_c, s, s, tail...] in row-major crop order -> one [h_c * s, w_c * s, tail...] canvas.
    private static GraphValue ToCanvas(GraphBuilder b, GraphValue perCrop, GraphValue grid, GraphValue canvasSize, long[] cropShape, long[] tail, string path)
    {
        GraphValue shape = b.Concat(0, [grid, b.Int64s(cropShape)], $"{path}/shape_output_0"); // [h_c, w_c, s, s, tail...]
        GraphValue canvas = b.Reshape(perCrop, shape, $"{path}/Reshape_output_0");
        long[] permutation = [0, 2, 1, 3, .. Enumerable.Range(4, tail.Length).Select(i => (long)i)];
        canvas = b.Transpose(canvas, permutation, $"{path}/Transpose_output_0"); // [h_c, s, w_c, s, tail...]
        return b.Reshape(canvas, b.Concat(0, [canvasSize, b.Int64s(tail)], $"{path}/shape_1_output_0"), $"{path}/Reshape_1_output_0");
    }

    // As Hugging Face cuts the padding off: the sub-crop masks, every other row and column, laid out as the canvas;
    // useful rows = ones in its first column, useful columns = ones in its first row (each [1], int64).
    private static (GraphValue Rows, GraphValue Columns) UsefulExtent(GraphBuilder b, GraphValue masks, GraphValue cropCount, GraphValue grid, GraphValue gridTokens)
    {
        const string path = "/hd/useful";
        GraphValue subMasks = b.Op("Slice", [masks, b.Int64s(1, 0, 0), b.Concat(0, [cropCount, b.Int64s(long.MaxValue, long.MaxValue)], $"{path}/mask_ends_output_0"),
            b.Int64s(0, 1, 2), b.Int64s(1, 2, 2)], name: $"{path}/mask/Slice_output_0"); // [h_c * w_c, 16, 16]
        GraphValue canvas = ToCanvas(b, subMasks, grid, gridTokens, [PooledPerSide, PooledPerSide], [], $"{path}/mask");
        GraphValue rows = b.ReduceSum(b.Slice(canvas, [0], [1], [1], name: $"{path}/first_column/Slice_output_0"), [0, 1], keepDims: false, $"{path}/rows/ReduceSum_output_0");
        GraphValue columns = b.ReduceSum(b.Slice(canvas, [0], [1], [0], name: $"{path}/first_row/Slice_output_0"), [0, 1], keepDims: false, $"{path}/columns/ReduceSum_output_0");
        return (ToCount(rows, "rows"), ToCount(columns, "columns"));

        GraphValue ToCount(GraphValue sum, string name) =>
            b.Reshape(b.Cast(sum, OnnxDataType.Int64, $"{path}/{name}/Cast_output_0"), [1], $"{path}/{name}/Reshape_output_0");
    }
}
