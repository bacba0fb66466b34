using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Builds an embedding model as the phi3v and phi4mm exports have it: text ids look up the token table, and the
/// placeholder positions take the rows of <c>image_features</c> in order. Negative ids are placeholders in both (phi3v's
/// prompts use them; phi4mm's export accepts them as legacy ids), and phi4mm's also marks its image token (200010).
/// </summary>
internal static class EmbeddingGraph
{
    /// <summary>The phi3v graph: <c>input_ids</c> and <c>image_features</c>.</summary>
    public static ModelProto Build(TinyPhi3VisionOptions options, WeightReader weights, int vocabularySize) =>
        Build("phi3v_embedding", options.Seed, options.HiddenSize, weights, DemoTokenizer.Instance, vocabularySize, imageTokenId: null, audioTokenId: null);

    /// <param name="graphName">The graph's name.</param>
    /// <param name="seed">The family's weight seed (the graph draws with seed + 1).</param>
    /// <param name="hidden">The decoder's width.</param>
    /// <param name="weights">The weight source.</param>
    /// <param name="tokenizer">Maps token ids to table rows when its special ids are sparse.</param>
    /// <param name="tableRows">Rows of the token table.</param>
    /// <param name="imageTokenId">A non-negative id that also marks an image position, or null.</param>
    /// <param name="audioTokenId">
    /// Declare <c>audio_features</c> too, scattered at this id and at ids of -10000 or less (then image ids are -1..-9999),
    /// as the phi4mm export does; or null for an image-only model.
    /// </param>
    public static ModelProto Build(string graphName, int seed, int hidden, WeightReader weights, DemoTokenizer tokenizer, int tableRows, long? imageTokenId, long? audioTokenId)
    {
        var b = new GraphBuilder(graphName, unchecked(seed + 1));
        GraphValue inputIds = b.Input("input_ids", OnnxDataType.Int64, "batch_size", "sequence_length");
        GraphValue imageFeatures = b.Input("image_features", OnnxDataType.Float, "num_image_tokens", hidden);
        GraphValue table = weights.Tensor(b, "model.embed_tokens.weight", [tableRows, hidden], 1f);
        GraphValue textIds = b.Op("Max", [inputIds, b.Scalar(0L)], name: "/model/embed_tokens/Max_output_0");
        if (tokenizer.IsSparse)
        {
            // Special ids sit past a gap: shift them down to the rows right after the base vocabulary.
            GraphValue special = b.Op("GreaterOrEqual", [textIds, b.Scalar((long)tokenizer.FirstSpecialId)], name: "/model/embed_tokens/GreaterOrEqual_output_0", outputType: OnnxDataType.Bool);
            GraphValue shifted = b.Sub(textIds, b.Scalar((long)(tokenizer.FirstSpecialId - tokenizer.BaseVocabularySize)), "/model/embed_tokens/Sub_output_0");
            textIds = b.Where(special, shifted, textIds, "/model/embed_tokens/Where_output_0");
        }

        GraphValue embeddings = b.Gather(table, textIds, 0, "/model/embed_tokens/Gather_output_0");

        GraphValue isImage = b.Less(inputIds, b.Scalar(0L), "/model/image_positions/Less_output_0");
        if (audioTokenId is not null)
        {
            isImage = And(b, isImage, b.Op("Greater", [inputIds, b.Scalar(-10000L)], name: "/model/image_positions/Greater_output_0", outputType: OnnxDataType.Bool), "/model/image_positions/And");
        }

        if (imageTokenId is { } imageId)
        {
            isImage = Or(b, isImage, b.Equal(inputIds, b.Scalar(imageId), "/model/image_positions/Equal_output_0"), "/model/image_positions/Or");
        }

        GraphValue merged = Scatter(b, embeddings, isImage, imageFeatures, "/model/image_positions", "/model/ScatterND_output_0");
        if (audioTokenId is { } audioId)
        {
            GraphValue audioFeatures = b.Input("audio_features", OnnxDataType.Float, "num_audio_tokens", hidden);
            GraphValue isAudio = Or(b,
                b.Op("LessOrEqual", [inputIds, b.Scalar(-10000L)], name: "/model/audio_positions/LessOrEqual_output_0", outputType: OnnxDataType.Bool),
                b.Equal(inputIds, b.Scalar(audioId), "/model/audio_positions/Equal_output_0"), "/model/audio_positions/Or");
            merged = Scatter(b, merged, isAudio, audioFeatures, "/model/audio_positions", "/model/ScatterND_1_output_0");
        }

        b.Output("inputs_embeds", merged, "batch_size", "sequence_length", hidden);
        return ExportNaming.NameNodesAfterOutputs(b.Build());
    }

    // NonZero lists the marked positions in row-major (sequence) order, so rows land in order; ScatterND rejects a count
    // that differs from the number of rows, and 0 positions with 0 rows is a no-op.
    private static GraphValue Scatter(GraphBuilder b, GraphValue embeddings, GraphValue marked, GraphValue rows, string path, string name)
    {
        GraphValue positions = b.Op("NonZero", [marked], name: $"{path}/NonZero_output_0", outputType: OnnxDataType.Int64);
        positions = b.Transpose(positions, [1, 0], $"{path}/Transpose_output_0"); // [rows, 2]
        return b.ScatterND(embeddings, positions, rows, name);
    }

    private static GraphValue Or(GraphBuilder b, GraphValue x, GraphValue y, string path) =>
        b.Op("Or", [x, y], name: $"{path}/Or_output_0", outputType: OnnxDataType.Bool);

    private static GraphValue And(GraphBuilder b, GraphValue x, GraphValue y, string path) =>
        b.Op("And", [x, y], name: $"{path}/And_output_0", outputType: OnnxDataType.Bool);
}
