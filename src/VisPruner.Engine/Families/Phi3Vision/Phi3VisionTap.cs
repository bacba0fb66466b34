using System.Numerics.Tensors;
using Microsoft.Extensions.Logging;
using VisPruner.Engine.Families;
using VisPruner.Engine.ModelFolders;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.Runtime;

namespace VisPruner.Engine.Phi3Vision;

/// <summary>
/// Reads the [CLS] attention of the vision layer whose features Phi-3.5-vision uses (the penultimate CLIP layer, which is
/// the last attention block in exported graphs, since the final layer's output is unused and pruned away). The vision
/// graph is rewritten in memory to expose, per crop:
/// <list type="bullet">
/// <item>unfused exports: the [CLS] query row of the Softmax probabilities, [crops, heads, 1, 1+N], sliced inside the graph;</item>
/// <item>fused exports (com.microsoft MultiHeadAttention): its Q and K inputs, from which the [CLS] row is computed here.</item>
/// </list>
/// </summary>
internal sealed partial class Phi3VisionTap
{
    private const string ClsRowOutput = "vispruner.cls_attention";

    private Phi3VisionTap(TapKind kind, string[] outputs, int heads, float scale)
    {
        Kind = kind;
        OutputNames = outputs;
        _heads = heads;
        _scale = scale;
    }

    private readonly int _heads;
    private readonly float _scale;

    public enum TapKind
    {
        None,
        SoftmaxProbabilities,
        MultiHeadAttention,
    }

    public TapKind Kind { get; }

    /// <summary>Gets the extra outputs to request from the rewritten vision session.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Loads the vision model, rewritten to expose the tap when an attention pattern is found.</summary>
    /// <exception cref="ModelFolderException">The file is not a valid ONNX model, or ONNX Runtime rejects it (the file is named).</exception>
    public static (InferenceSession Session, Phi3VisionTap Tap) Load(string path, MultimodalEngineOptions engineOptions, ILogger logger)
    {
        ModelProto model = OnnxFiles.LoadDeclarations(ConfiguredFile.Require(path));
        string fileName = Path.GetFileName(path);
        GraphProto graph = model.Graph;
        IReadOnlyList<NodeProto> order = graph.TopologicalOrder();
        NodeProto? attention = order.LastOrDefault(n =>
            (n.OpType == "Softmax" && (n.Domain is "" or "ai.onnx")) || (n.OpType == "MultiHeadAttention" && n.Domain == "com.microsoft"));

        Phi3VisionTap tap;
        if (attention is null)
        {
            LogNoTap(logger, fileName);
            return (VisionSessions.Create(path, model, engineOptions), new Phi3VisionTap(TapKind.None, [], 0, 0));
        }

        if (attention.OpType == "Softmax")
        {
            // Slice the [CLS] query row (axis 2, index 0) inside the graph: a tiny output instead of [crops, heads, 577, 577].
            graph.Initializer.Add(OnnxTensors.Create<long>("vispruner.cls.start", [1], [0]));
            graph.Initializer.Add(OnnxTensors.Create<long>("vispruner.cls.end", [1], [1]));
            graph.Initializer.Add(OnnxTensors.Create<long>("vispruner.cls.axis", [1], [2]));
            graph.Node.Add(new NodeProto
            {
                Name = "vispruner/cls_attention/Slice",
                OpType = "Slice",
                Input = { attention.Output[0], "vispruner.cls.start", "vispruner.cls.end", "vispruner.cls.axis" },
                Output = { ClsRowOutput },
            });
            graph.ExposeAsOutput(ClsRowOutput, OnnxDataType.Float);
            tap = new Phi3VisionTap(TapKind.SoftmaxProbabilities, [ClsRowOutput], 0, 0);
        }
        else
        {
            int heads = (int)(attention.Attribute.FirstOrDefault(a => a.Name == "num_heads")?.I
                ?? throw new ModelFolderException(fileName, null, $"MultiHeadAttention node '{attention.Name}' has no num_heads attribute."));
            float scale = attention.Attribute.FirstOrDefault(a => a.Name == "scale")?.F ?? 0f;
            graph.ExposeAsOutput(attention.Input[0], OnnxDataType.Float);
            graph.ExposeAsOutput(attention.Input[1], OnnxDataType.Float);
            tap = new Phi3VisionTap(TapKind.MultiHeadAttention, [attention.Input[0], attention.Input[1]], heads, scale);
        }

        return (VisionSessions.Create(path, model, engineOptions), tap);
    }

    /// <summary>
    /// Computes the [CLS] attention over the patches of the first <paramref name="crops"/> crops, averaged over heads,
    /// [CLS] key dropped: <paramref name="importance"/> receives [crops x patches]. Exports that run the encoder on padding
    /// crops too have more crops in the tensors; those are ignored.
    /// </summary>
    public void ReadClsAttention(IReadOnlyList<OrtValue> outputs, int crops, int patches, Span<float> importance)
    {
        int keys = patches + 1;
        long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (Kind == TapKind.SoftmaxProbabilities)
        {
            // [crops, heads, 1, keys]
            RequireShape(shape.Length == 4 && shape[0] >= crops && shape[2] == 1 && shape[3] == keys, shape, $"[>= {crops}, heads, 1, {keys}]");
            int heads = (int)shape[1];
            ReadOnlySpan<float> rows = outputs[0].GetTensorDataAsSpan<float>();
            for (int crop = 0; crop < crops; crop++)
            {
                Importance.ClsAttention.FromClsRows(rows.Slice(crop * heads * keys, heads * keys), heads, importance.Slice(crop * patches, patches));
            }

            return;
        }

        // Q and K: [crops, keys, width]
        RequireShape(shape.Length == 3 && shape[0] >= crops && shape[1] == keys && shape[2] % _heads == 0, shape, $"[>= {crops}, {keys}, heads x head_size]");
        ReadOnlySpan<float> q = outputs[0].GetTensorDataAsSpan<float>();
        ReadOnlySpan<float> k = outputs[1].GetTensorDataAsSpan<float>();
        int width = (int)shape[2];
        int headSize = width / _heads;
        float scale = _scale != 0 ? _scale : 1f / MathF.Sqrt(headSize);
        float[] clsRows = new float[_heads * keys];
        for (int crop = 0; crop < crops; crop++)
        {
            ReadOnlySpan<float> cls = q.Slice(crop * keys * width, width);
            for (int h = 0; h < _heads; h++)
            {
                Span<float> row = clsRows.AsSpan(h * keys, keys);
                ReadOnlySpan<float> query = cls.Slice(h * headSize, headSize);
                for (int key = 0; key < keys; key++)
                {
                    row[key] = scale * TensorPrimitives.Dot(query, k.Slice((((crop * keys) + key) * width) + (h * headSize), headSize));
                }

                TensorPrimitives.SoftMax(row, row);
            }

            Importance.ClsAttention.FromClsRows<float>(clsRows, _heads, importance.Slice(crop * patches, patches));
        }
    }

    private static void RequireShape(bool ok, long[] shape, string expected)
    {
        if (!ok)
        {
            throw new ModelFolderException(
                $"The vision model's attention tap has shape [{string.Join(", ", shape)}]; expected {expected}. Choose ImportanceSignal.FeatureNorm for this model.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} has no Softmax or MultiHeadAttention node to read [CLS] attention from; token importance falls back to feature norms.")]
    private static partial void LogNoTap(ILogger logger, string file);
}
