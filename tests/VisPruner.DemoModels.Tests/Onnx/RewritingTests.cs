using VisPruner.Onnx.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Xunit;

using VisPruner.Onnx;

namespace VisPruner.DemoModels.Tests.Onnx;

public class RewritingTests
{
    // y = softmax((x * 2) + 1); the intermediate "scaled" = x * 2 is what a pruning hook would read.
    private static ModelProto TwoStageModel()
    {
        var b = new GraphBuilder("two-stage");
        GraphValue x = b.Input("x", OnnxDataType.Float, 1, "n");
        GraphValue scaled = b.Mul(x, b.Scalar(2f), name: "scaled");
        GraphValue shifted = b.Add(scaled, b.Scalar(1f), name: "shifted");
        b.Output(b.Softmax(shifted, name: "y"));
        return b.Build();
    }

    [Fact]
    public void Exposing_an_intermediate_tensor_returns_exactly_the_hand_computed_values()
    {
        ModelProto model = TwoStageModel();
        ValueInfoProto output = model.Graph.ExposeAsOutput("scaled");
        Assert.Equal(OnnxDataType.Float, OnnxTypes.ElementType(output));
        float[] input = [0.5f, -1.25f, 3f];

        using var session = new InferenceSession(OnnxModelFile.ToBytes(model));
        using var x = OrtValue.CreateTensorValueFromMemory(input, [1, 3]);
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.RunNamed([KeyValuePair.Create("x", x)]);

        Assert.Equal(["y", "scaled"], session.OutputMetadata.Keys);
        Assert.Equal(new float[] { 1f, -2.5f, 6f }, outputs.Output(session, "scaled").GetTensorDataAsSpan<float>().ToArray());
        ModelRunner.AssertClose(Reference.Softmax([2f, -1.5f, 7f], 3), outputs.Output(session, "y").GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void Exposing_an_unknown_tensor_or_one_without_a_type_fails_clearly()
    {
        ModelProto model = TwoStageModel();
        var unknown = Assert.Throws<ArgumentException>(() => model.Graph.ExposeAsOutput("nope"));
        Assert.Contains("nope", unknown.Message);

        model.Graph.ValueInfo.Clear();
        var untyped = Assert.Throws<InvalidOperationException>(() => model.Graph.ExposeAsOutput("shifted"));
        Assert.Contains("shifted", untyped.Message);
        Assert.Equal(OnnxDataType.Float, OnnxTypes.ElementType(model.Graph.ExposeAsOutput("shifted", OnnxDataType.Float)));
    }

    [Fact]
    public void Finds_nodes_by_op_type_name_and_topological_position()
    {
        ModelProto model = TwoStageModel();
        GraphProto graph = model.Graph;
        var shuffled = graph.Node.Reverse().ToArray();
        graph.Node.Clear();
        graph.Node.AddRange(shuffled);

        IReadOnlyList<NodeProto> order = graph.TopologicalOrder();

        Assert.Equal(["Mul", "Add", "Softmax"], order.Select(n => n.OpType));
        Assert.Single(graph.FindNodes("Add"));
        Assert.Same(order[1], graph.Producer("shifted"));
        Assert.Same(graph.FindNode(order[2].Name), graph.Consumers("shifted").Single());
        graph.SortTopologically();
        Assert.Equal(order, graph.Node);
    }

    [Fact]
    public void A_cycle_is_reported_instead_of_ordered()
    {
        var graph = new GraphProto { Name = "loop" };
        graph.Node.Add(new NodeProto { OpType = "Relu", Input = { "b" }, Output = { "a" } });
        graph.Node.Add(new NodeProto { OpType = "Relu", Input = { "a" }, Output = { "b" } });

        Assert.Throws<InvalidDataException>(() => graph.TopologicalOrder());
    }

    [Fact]
    public void Removing_unused_nodes_keeps_the_outputs_and_drops_dead_branches_and_their_weights()
    {
        var b = new GraphBuilder(seed: 3);
        GraphValue x = b.Input("x", OnnxDataType.Float, 2, 2);
        GraphValue w = b.RandomNormal("w", [2, 2]);
        GraphValue dead = b.RandomNormal("dead_weight", [2, 2]);
        GraphValue kept = b.MatMul(x, w);
        b.Relu(b.MatMul(x, dead)); // nothing reads it
        b.Output("y", kept);
        ModelProto model = b.Build();

        int removed = model.Graph.RemoveUnusedNodes();

        Assert.Equal(2, removed);
        Assert.Equal(["w"], model.Graph.Initializer.Select(t => t.Name));
        Assert.All(model.Graph.ValueInfo, v => Assert.NotNull(model.Graph.Producer(v.Name)));
        float[] input = [1, 2, 3, 4];
        float[] y = ModelRunner.RunSingle(model, ("x", OrtValue.CreateTensorValueFromMemory(input, [2, 2])));
        ModelRunner.AssertClose(Reference.MatMul(input, OnnxTensors.Read<float>(model.Graph.Initializer[0]), 2, 2, 2), y);
    }
}
