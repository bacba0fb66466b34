using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>Names nodes the way PyTorch exports do: a node writing <c>/path/Op_output_0</c> is called <c>/path/Op</c>.</summary>
internal static class ExportNaming
{
    private const string OutputSuffix = "_output_0";

    public static ModelProto NameNodesAfterOutputs(ModelProto model)
    {
        foreach (NodeProto node in model.Graph.Node)
        {
            if (node.Output.Count > 0 && node.Output[0] is { } output && output.StartsWith('/') && output.EndsWith(OutputSuffix, StringComparison.Ordinal))
            {
                node.Name = output[..^OutputSuffix.Length];
            }
        }

        return model;
    }
}
