using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Builds the phi3v embedding model: text ids look up the token table, and the positions holding negative ids
/// (image placeholders) take the rows of <c>image_features</c> in order.
/// </summary>
internal static class EmbeddingGraph
{
    public static ModelProto Build(TinyPhi3VisionOptions options, WeightReader weights, int vocabularySize)
    {
        int hidden = options.HiddenSize;
        var b = new GraphBuilder("phi3v_embedding", unchecked(options.Seed + 1));
        GraphValue inputIds = b.Input("input_ids", OnnxDataType.Int64, "batch_size", "sequence_length");
        GraphValue imageFeatures = b.Input("image_features", OnnxDataType.Float, "num_image_tokens", hidden);

        GraphValue table = weights.Tensor(b, "model.embed_tokens.weight", [vocabularySize, hidden], 1f);
        GraphValue textIds = b.Op("Max", [inputIds, b.Scalar(0L)], name: "/model/embed_tokens/Max_output_0");
        GraphValue embeddings = b.Gather(table, textIds, 0, "/model/embed_tokens/Gather_output_0");

        // NonZero lists the placeholder positions in row-major (sequence) order, so rows land in order; ScatterND
        // rejects a count that differs from the number of rows, and 0 placeholders with 0 rows is a no-op.
        GraphValue isImage = b.Less(inputIds, b.Scalar(0L), "/model/image_positions/Less_output_0");
        GraphValue positions = b.Op("NonZero", [isImage], name: "/model/image_positions/NonZero_output_0", outputType: OnnxDataType.Int64);
        positions = b.Transpose(positions, [1, 0], "/model/image_positions/Transpose_output_0"); // [rows, 2]
        GraphValue merged = b.ScatterND(embeddings, positions, imageFeatures, "/model/ScatterND_output_0");
        b.Output("inputs_embeds", merged, "batch_size", "sequence_length", hidden);
        return ExportNaming.NameNodesAfterOutputs(b.Build());
    }
}
