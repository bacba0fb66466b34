using VisPruner.Onnx;

namespace VisPruner.Engine.Runtime;

/// <summary>
/// The pruning hook's stand-in for the folder's vision model inside ONNX Runtime GenAI: an Identity graph from
/// <see cref="InputName"/> [rows, hidden] to the vision output GenAI expects. The real vision encoder runs outside GenAI,
/// the selector keeps some rows, and GenAI receives only those rows through this stub, so its pre-allocated image feature
/// buffer has exactly as many rows as the prompt has image placeholders.
/// </summary>
internal static class VisionStub
{
    /// <summary>The stub's file name inside GenAI's in-memory model data (never written to disk).</summary>
    public const string FileName = "vispruner-vision-stub.onnx";

    /// <summary>The stub's input: the kept feature rows of every image of a request, in prompt order.</summary>
    public const string InputName = "vispruner_kept_image_features";

    /// <summary>The input with each image's kept row count, which GenAI's phi3v pipeline reads.</summary>
    public const string ImageTokenCountsName = "num_image_tokens";

    /// <summary>Builds the stub's ONNX bytes.</summary>
    /// <param name="outputName">The vision output name in <c>genai_config.json</c> (<c>image_features</c>).</param>
    /// <param name="hidden">The feature width (the decoder's hidden size).</param>
    public static byte[] Build(string outputName, int hidden)
    {
        var graph = new GraphBuilder("vispruner_vision_stub");
        GraphValue rows = graph.Input(InputName, OnnxDataType.Float, "num_image_tokens", hidden);
        graph.Output(outputName, graph.Op("Identity", [rows]), "num_image_tokens", hidden);
        return graph.ToBytes();
    }

    /// <summary>The <c>Config.Overlay</c> JSON that points GenAI's vision model at the stub.</summary>
    public static string Overlay =>
        "{\"model\":{\"vision\":{\"filename\":\"" + FileName + "\",\"inputs\":{\"pixel_values\":\"" + InputName + "\"}}}}";
}
