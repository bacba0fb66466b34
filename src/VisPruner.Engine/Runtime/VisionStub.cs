using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

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

    /// <summary>The input with each image's kept row count, which GenAI's multimodal pipeline sizes the stub's output by.</summary>
    public const string ImageTokenCountsName = "num_image_tokens";

    /// <summary>Builds the stub's ONNX bytes.</summary>
    /// <param name="outputName">The vision output name in <c>genai_config.json</c> (<c>image_features</c>).</param>
    /// <param name="hidden">The feature width (the decoder's hidden size).</param>
    public static byte[] Build(string outputName, int hidden)
    {
        Dimension[] shape = [Dimension.Symbolic(ImageTokenCountsName), Dimension.Fixed(hidden)];
        var graph = new GraphProto { Name = "vispruner_vision_stub" };
        graph.Input.Add(OnnxTypes.TensorValueInfo(InputName, OnnxDataType.Float, shape));
        graph.Output.Add(OnnxTypes.TensorValueInfo(outputName, OnnxDataType.Float, shape));
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = "stub", Input = { InputName }, Output = { outputName } });

        // IR version 10 goes with opset 21, which ONNX Runtime 1.18 and newer run.
        var model = new ModelProto { IrVersion = 10, ProducerName = "VisPruner", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 21 });
        return OnnxModelFile.ToBytes(model);
    }

    /// <summary>The <c>Config.Overlay</c> JSON that points GenAI's vision model at the stub.</summary>
    public static string Overlay =>
        "{\"model\":{\"vision\":{\"filename\":\"" + FileName + "\",\"inputs\":{\"pixel_values\":\"" + InputName + "\"}}}}";
}
