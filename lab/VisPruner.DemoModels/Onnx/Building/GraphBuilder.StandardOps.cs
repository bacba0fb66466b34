namespace VisPruner.Onnx;

// Standard ONNX operators (default domain). Each takes an optional output name.
internal sealed partial class GraphBuilder
{
    /// <summary>Matrix product with NumPy broadcasting.</summary>
    public GraphValue MatMul(GraphValue a, GraphValue b, string? name = null) => Op("MatMul", [a, b], name: name);

    /// <summary>alpha * A' * B' + beta * C, with optional transposes.</summary>
    public GraphValue Gemm(GraphValue a, GraphValue b, GraphValue? c = null, bool transA = false, bool transB = false, float alpha = 1f, float beta = 1f, string? name = null) =>
        Op("Gemm", c is { } bias ? [a, b, bias] : [a, b],
            [NodeAttributes.Int("transA", transA ? 1 : 0), NodeAttributes.Int("transB", transB ? 1 : 0), NodeAttributes.Float("alpha", alpha), NodeAttributes.Float("beta", beta)], name);

    /// <summary>
    /// A dense layer with seeded random parameters: <c>x W + b</c>, W <c>[inFeatures, outFeatures]</c> named
    /// <paramref name="weightName"/>, b (zeros unless <paramref name="randomBias"/>) named <paramref name="weightName"/><c>.bias</c>.
    /// </summary>
    public GraphValue Linear(GraphValue x, int inFeatures, int outFeatures, string weightName, bool bias = true, bool randomBias = false, float std = 0.02f, string? name = null)
    {
        GraphValue product = MatMul(x, RandomNormal(weightName, [inFeatures, outFeatures], std), bias ? null : name);
        if (!bias)
        {
            return product;
        }

        GraphValue b = randomBias
            ? RandomNormal(weightName + ".bias", [outFeatures], std)
            : Initializer<float>(weightName + ".bias", [outFeatures], new float[outFeatures]);
        return Add(product, b, name);
    }

    /// <summary>Element-wise sum.</summary>
    public GraphValue Add(GraphValue a, GraphValue b, string? name = null) => Op("Add", [a, b], name: name);

    /// <summary>Element-wise difference.</summary>
    public GraphValue Sub(GraphValue a, GraphValue b, string? name = null) => Op("Sub", [a, b], name: name);

    /// <summary>Element-wise product.</summary>
    public GraphValue Mul(GraphValue a, GraphValue b, string? name = null) => Op("Mul", [a, b], name: name);

    /// <summary>Element-wise quotient.</summary>
    public GraphValue Div(GraphValue a, GraphValue b, string? name = null) => Op("Div", [a, b], name: name);

    /// <summary>Element-wise power.</summary>
    public GraphValue Pow(GraphValue a, GraphValue b, string? name = null) => Op("Pow", [a, b], name: name);

    /// <summary>Element-wise square root.</summary>
    public GraphValue Sqrt(GraphValue x, string? name = null) => Op("Sqrt", [x], name: name);

    /// <summary>Logistic sigmoid.</summary>
    public GraphValue Sigmoid(GraphValue x, string? name = null) => Op("Sigmoid", [x], name: name);

    /// <summary>Hyperbolic tangent.</summary>
    public GraphValue Tanh(GraphValue x, string? name = null) => Op("Tanh", [x], name: name);

    /// <summary>Rectified linear unit.</summary>
    public GraphValue Relu(GraphValue x, string? name = null) => Op("Relu", [x], name: name);

    /// <summary>Softmax along <paramref name="axis"/>.</summary>
    public GraphValue Softmax(GraphValue x, long axis = -1, string? name = null) => Op("Softmax", [x], [NodeAttributes.Int("axis", axis)], name);

    /// <summary>Layer normalisation over the axes from <paramref name="axis"/> on.</summary>
    public GraphValue LayerNormalization(GraphValue x, GraphValue scale, GraphValue? bias = null, long axis = -1, float epsilon = 1e-5f, string? name = null) =>
        Op("LayerNormalization", bias is { } b ? [x, scale, b] : [x, scale], [NodeAttributes.Int("axis", axis), NodeAttributes.Float("epsilon", epsilon)], name);

    /// <summary>GELU (opset 20), exact or with the tanh approximation.</summary>
    public GraphValue Gelu(GraphValue x, bool tanhApproximation = false, string? name = null) =>
        Op("Gelu", [x], [NodeAttributes.String("approximate", tanhApproximation ? "tanh" : "none")], name);

    /// <summary>Reshape to a constant shape (0 copies a dimension, -1 infers one).</summary>
    public GraphValue Reshape(GraphValue x, long[] shape, string? name = null) => Op("Reshape", [x, Int64s(shape)], name: name);

    /// <summary>Reshape to a shape computed in the graph.</summary>
    public GraphValue Reshape(GraphValue x, GraphValue shape, string? name = null) => Op("Reshape", [x, shape], name: name);

    /// <summary>Permutes dimensions.</summary>
    public GraphValue Transpose(GraphValue x, long[] perm, string? name = null) => Op("Transpose", [x], [NodeAttributes.Ints("perm", perm)], name);

    /// <summary>Gathers slices of <paramref name="data"/> along <paramref name="axis"/>.</summary>
    public GraphValue Gather(GraphValue data, GraphValue indices, long axis = 0, string? name = null) =>
        Op("Gather", [data, indices], [NodeAttributes.Int("axis", axis)], name);

    /// <summary>Concatenates along <paramref name="axis"/>.</summary>
    public GraphValue Concat(long axis, IReadOnlyList<GraphValue> inputs, string? name = null) =>
        Op("Concat", inputs, [NodeAttributes.Int("axis", axis)], name);

    /// <summary>Slices with constant starts, ends, axes and steps.</summary>
    public GraphValue Slice(GraphValue x, long[] starts, long[] ends, long[]? axes = null, long[]? steps = null, string? name = null)
    {
        var inputs = new List<GraphValue> { x, Int64s(starts), Int64s(ends) };
        if (axes is not null || steps is not null)
        {
            inputs.Add(axes is null ? GraphValue.None : Int64s(axes));
        }

        if (steps is not null)
        {
            inputs.Add(Int64s(steps));
        }

        return Op("Slice", inputs, name: name);
    }

    /// <summary>Mean over <paramref name="axes"/> (opset 18 form: axes as an input).</summary>
    public GraphValue ReduceMean(GraphValue x, long[] axes, bool keepDims = true, string? name = null) =>
        Op("ReduceMean", [x, Int64s(axes)], [NodeAttributes.Int("keepdims", keepDims ? 1 : 0)], name);

    /// <summary>Sum over <paramref name="axes"/> (axes as an input, opset 13 on), e.g. attention-mask lengths.</summary>
    public GraphValue ReduceSum(GraphValue x, long[] axes, bool keepDims = true, string? name = null) =>
        Op("ReduceSum", [x, Int64s(axes)], [NodeAttributes.Int("keepdims", keepDims ? 1 : 0)], name);

    /// <summary>Picks from <paramref name="whenTrue"/> where the condition holds, else from <paramref name="whenFalse"/>.</summary>
    public GraphValue Where(GraphValue condition, GraphValue whenTrue, GraphValue whenFalse, string? name = null) =>
        Op("Where", [condition, whenTrue, whenFalse], name: name, outputType: whenTrue.DataType);

    /// <summary>Writes <paramref name="updates"/> into a copy of <paramref name="data"/> at <paramref name="indices"/>.</summary>
    public GraphValue ScatterND(GraphValue data, GraphValue indices, GraphValue updates, string? name = null) =>
        Op("ScatterND", [data, indices, updates], name: name);

    /// <summary>The shape of <paramref name="x"/> as int64.</summary>
    public GraphValue Shape(GraphValue x, string? name = null) => Op("Shape", [x], name: name, outputType: OnnxDataType.Int64);

    /// <summary>Converts the element type.</summary>
    public GraphValue Cast(GraphValue x, OnnxDataType to, string? name = null) =>
        Op("Cast", [x], [NodeAttributes.Int("to", (long)to)], name, to);

    /// <summary>Inserts size-1 dimensions at <paramref name="axes"/>.</summary>
    public GraphValue Unsqueeze(GraphValue x, long[] axes, string? name = null) => Op("Unsqueeze", [x, Int64s(axes)], name: name);

    /// <summary>Removes size-1 dimensions at <paramref name="axes"/>.</summary>
    public GraphValue Squeeze(GraphValue x, long[] axes, string? name = null) => Op("Squeeze", [x, Int64s(axes)], name: name);

    /// <summary>Element-wise equality (bool result).</summary>
    public GraphValue Equal(GraphValue a, GraphValue b, string? name = null) => Op("Equal", [a, b], name: name, outputType: OnnxDataType.Bool);

    /// <summary>Element-wise less-than (bool result).</summary>
    public GraphValue Less(GraphValue a, GraphValue b, string? name = null) => Op("Less", [a, b], name: name, outputType: OnnxDataType.Bool);

    /// <summary>Broadcasts to <paramref name="shape"/>.</summary>
    public GraphValue Expand(GraphValue x, GraphValue shape, string? name = null) => Op("Expand", [x, shape], name: name);

    /// <summary>Copies the tensor under a new name.</summary>
    public GraphValue Identity(GraphValue x, string? name = null) => Op("Identity", [x], name: name);
}
