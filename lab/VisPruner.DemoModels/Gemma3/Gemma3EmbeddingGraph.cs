using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Builds the gemma3 embedding model: text ids look up the token table scaled by sqrt(hidden) (Gemma's scaled word
/// embedding), and the positions holding the image placeholder (262144) take the rows of <c>image_features</c> in order,
/// unscaled, as Hugging Face's <c>masked_scatter</c> does.
/// </summary>
internal static class Gemma3EmbeddingGraph
{
    public static ModelProto Build(TinyGemma3Options options, WeightReader weights, Gemma3Tokenizer tokenizer)
    {
        int hidden = options.HiddenSize;
        var b = new GraphBuilder("gemma3_embedding", unchecked(options.Seed + 1));
        GraphValue inputIds = b.Input("input_ids", OnnxDataType.Int64, "batch_size", "sequence_length");
        GraphValue imageFeatures = options.ImageFeaturesRank == 2
            ? b.Input("image_features", OnnxDataType.Float, "num_image_tokens", hidden)
            : b.Input("image_features", OnnxDataType.Float, "num_images", "num_image_tokens", hidden);

        // Ids to compact rows: the dense ids as they are, the two image markers right after them, and the placeholder to
        // row 0 (its embedding is replaced below).
        const string path = "/model/embed_tokens";
        GraphValue isImage = b.Equal(inputIds, b.Scalar((long)Gemma3Tokenizer.ImageTokenId), "/model/image_positions/Equal_output_0");
        GraphValue isMarker = b.Op("GreaterOrEqual", [inputIds, b.Scalar((long)Gemma3Tokenizer.BeginImageId)], name: $"{path}/GreaterOrEqual_output_0", outputType: OnnxDataType.Bool);
        GraphValue rows = b.Where(isMarker, b.Sub(inputIds, b.Scalar((long)(Gemma3Tokenizer.BeginImageId - tokenizer.BaseSize)), $"{path}/Sub_output_0"), inputIds, $"{path}/Where_output_0");
        rows = b.Where(isImage, b.Scalar(0L), rows, $"{path}/Where_1_output_0");
        GraphValue table = weights.Tensor(b, "model.embed_tokens.weight", [tokenizer.CompactSize, hidden], 1f / MathF.Sqrt(hidden));
        GraphValue embeddings = b.Mul(b.Gather(table, rows, 0, $"{path}/Gather_output_0"), b.Scalar(MathF.Sqrt(hidden)), $"{path}/Mul_output_0");

        // NonZero lists the placeholders in sequence order, so the rows land in order; ScatterND rejects a count that
        // differs from the number of rows, and 0 placeholders with 0 rows (every step after the prompt) is a no-op.
        GraphValue positions = b.Op("NonZero", [isImage], name: "/model/image_positions/NonZero_output_0", outputType: OnnxDataType.Int64);
        positions = b.Transpose(positions, [1, 0], "/model/image_positions/Transpose_output_0"); // [rows, 2]
        GraphValue imageRows = b.Reshape(imageFeatures, [-1, hidden], "/model/image_features/Reshape_output_0");
        GraphValue merged = b.ScatterND(embeddings, positions, imageRows, "/model/ScatterND_output_0");
        b.Output("inputs_embeds", merged, "batch_size", "sequence_length", hidden);
        return ExportNaming.NameNodesAfterOutputs(b.Build());
    }
}
