using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.Engine.Families;

/// <summary>
/// Reads, in memory, the attention each patch receives in the vision layer whose features the model uses, for SigLIP
/// encoders, which have no [CLS] token to read instead (Phi-4-multimodal, Gemma 3). That layer is the last attention block
/// of an exported graph, as the layers after it are unused and pruned away. The graph is rewritten to average the block's
/// Softmax probabilities [batch, heads, patches, patches] over the query axis inside the graph, so the session returns only
/// [batch, heads, 1, patches]; the mean over heads is taken here. Fused attention (<c>MultiHeadAttention</c>) keeps its
/// probabilities inside the kernel, so it offers no tap: importance then falls back to feature norms.
/// </summary>
internal sealed partial class ReceivedAttentionTap
{
    private const string ReceivedOutput = "vispruner.received_attention";

    private ReceivedAttentionTap(bool available) => OutputNames = available ? [ReceivedOutput] : [];

    /// <summary>Gets a value indicating whether the vision model exposes the attention.</summary>
    public bool IsAvailable => OutputNames.Count > 0;

    /// <summary>Gets the extra outputs to request from the rewritten vision session.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Loads the vision model, rewritten to expose the received attention when its last attention block is unfused.</summary>
    /// <exception cref="ModelFolderException">The file is not a valid ONNX model, or ONNX Runtime rejects it (the file is named).</exception>
    public static (InferenceSession Session, ReceivedAttentionTap Tap) Load(string path, MultimodalEngineOptions engineOptions, ILogger logger)
    {
        ModelProto model = OnnxFiles.LoadDeclarations(ConfiguredFile.Require(path));
        GraphProto graph = model.Graph;
        NodeProto? attention = graph.TopologicalOrder().LastOrDefault(n =>
            (n.OpType == "Softmax" && (n.Domain is "" or "ai.onnx")) || (n.OpType == "MultiHeadAttention" && n.Domain == "com.microsoft"));
        if (attention is not { OpType: "Softmax" })
        {
            LogNoTap(logger, Path.GetFileName(path));
            return (VisionSessions.Create(path, model, engineOptions), new ReceivedAttentionTap(false));
        }

        // ReduceMean takes its axes as an input from opset 18 on, as an attribute before.
        long opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
        var mean = new NodeProto
        {
            Name = "vispruner/received_attention/ReduceMean",
            OpType = "ReduceMean",
            Input = { attention.Output[0] },
            Output = { ReceivedOutput },
            Attribute = { new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 1 } },
        };
        if (opset >= 18)
        {
            graph.Initializer.Add(OnnxTensors.Create<long>("vispruner.received_attention.axes", [1], [2]));
            mean.Input.Add("vispruner.received_attention.axes");
        }
        else
        {
            mean.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 2L } });
        }

        graph.Node.Add(mean);
        graph.ExposeAsOutput(ReceivedOutput, OnnxDataType.Float);
        return (VisionSessions.Create(path, model, engineOptions), new ReceivedAttentionTap(true));
    }

    /// <summary>Refuses a vision model without the tap when <paramref name="importance"/> must come from attention.</summary>
    /// <exception cref="ModelFolderException">There is no tap and the importance signal is <see cref="ImportanceSignal.ClsAttention"/> (the file is named).</exception>
    public void RequireFor(ImportanceSignal importance, string file)
    {
        if (!IsAvailable && importance == ImportanceSignal.ClsAttention)
        {
            throw new ModelFolderException(file, null,
                "has no unfused attention (Softmax) to read the attention each patch receives from, and Pruning.Importance is ClsAttention; choose Auto or FeatureNorm.");
        }
    }

    /// <summary>
    /// The received attention of the first <paramref name="batch"/> entries' patches (crops or images), averaged over heads
    /// and queries: <paramref name="importance"/> receives [batch x patches].
    /// </summary>
    /// <exception cref="ModelFolderException">The tapped tensor does not have the expected shape.</exception>
    public static void Read(OrtValue output, int batch, int patches, Span<float> importance)
    {
        long[] shape = output.GetTensorTypeAndShape().Shape;
        if (!(shape.Length == 4 && shape[0] >= batch && shape[2] == 1 && shape[3] == patches))
        {
            throw new ModelFolderException(
                $"The vision model's attention tap has shape [{string.Join(", ", shape)}]; expected [>= {batch}, heads, 1, {patches}]. Choose ImportanceSignal.FeatureNorm for this model.");
        }

        int heads = (int)shape[1];
        ReadOnlySpan<float> rows = output.GetTensorDataAsSpan<float>();
        for (int entry = 0; entry < batch; entry++)
        {
            Importance.ClsAttention.HeadMean(rows.Slice(entry * heads * patches, heads * patches), heads, importance.Slice(entry * patches, patches));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} has no unfused attention (Softmax) to read the attention each patch receives from; token importance falls back to feature norms.")]
    private static partial void LogNoTap(ILogger logger, string file);
}
