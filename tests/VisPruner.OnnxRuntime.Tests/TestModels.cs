using VisPruner.Onnx;

namespace VisPruner.OnnxRuntime.Tests;

/// <summary>Small models built with the graph builder for the binding tests.</summary>
internal static class TestModels
{
    /// <summary>y = a + b over [batch, 3] floats; z = a * 2.</summary>
    public static byte[] AddAndDouble()
    {
        var b = new GraphBuilder("add");
        GraphValue a = b.Input("a", OnnxDataType.Float, "batch", 3);
        GraphValue c = b.Input("b", OnnxDataType.Float, "batch", 3);
        b.Output(b.Add(a, c, name: "y"), "batch", 3);
        b.Output(b.Mul(a, b.Scalar(2f), name: "z"), "batch", 3);
        return b.ToBytes();
    }

    /// <summary>y = x, for any element type.</summary>
    public static byte[] Identity(OnnxDataType type)
    {
        var b = new GraphBuilder("identity");
        b.Output(b.Identity(b.Input("x", type, "n"), name: "y"));
        return b.ToBytes();
    }

    /// <summary>y = x + 1 over [rows, cols] floats.</summary>
    public static byte[] AddOne(long rows, long cols)
    {
        var b = new GraphBuilder("add-one");
        b.Output(b.Add(b.Input("x", OnnxDataType.Float, rows, cols), b.Scalar(1f), name: "y"));
        return b.ToBytes();
    }

    /// <summary>
    /// A Loop running <c>trips</c> (int64 scalar input) iterations of x = tanh(x W) on a 64 x 64 state:
    /// as long-running as the caller asks.
    /// </summary>
    public static byte[] LongLoop()
    {
        const int size = 64;
        var b = new GraphBuilder("long-loop", seed: 1);
        GraphValue trips = b.Input("trips", OnnxDataType.Int64);
        GraphValue x = b.Input("x", OnnxDataType.Float, size, size);
        GraphValue w = b.RandomNormal("w", [size, size], std: 0.1f);
        GraphValue keepGoing = b.Initializer<bool>("keep_going", [], [true]);

        var body = new GraphBuilder("body");
        body.Input("iteration", OnnxDataType.Int64);
        GraphValue condition = body.Input("condition", OnnxDataType.Bool);
        GraphValue state = body.Input("state", OnnxDataType.Float, size, size);
        GraphValue outerW = body.OuterScope(w);
        body.Output(body.Identity(condition, name: "condition_out"));
        body.Output(body.Tanh(body.MatMul(state, outerW), name: "state_out"));

        GraphValue[] result = b.Node("Loop", [trips, keepGoing, x], 1, [NodeAttributes.Graph("body", body.BuildGraph())],
            outputNames: ["y"], outputTypes: [OnnxDataType.Float]);
        b.Output(result[0]);
        return b.ToBytes();
    }
}
