using VisPruner.Onnx.Protobuf;

namespace VisPruner.Onnx;

/// <summary>
/// Builds small ONNX graphs in code: inputs, seeded random or explicit initializers, standard and
/// ONNX Runtime contrib operators, outputs. Every operator method returns the <see cref="GraphValue"/>
/// it produced, so a model reads like the computation it performs.
/// </summary>
/// <example>
/// <code>
/// var b = new GraphBuilder("mlp", seed: 1);
/// GraphValue x = b.Input("x", OnnxDataType.Float, "batch", 4);
/// GraphValue h = b.Gelu(b.MatMul(x, b.RandomNormal("w1", [4, 8])));
/// b.Output("y", b.MatMul(h, b.RandomNormal("w2", [8, 2])));
/// byte[] model = b.ToBytes();
/// </code>
/// </example>
/// <remarks>Not thread-safe.</remarks>
internal sealed partial class GraphBuilder
{
    /// <summary>The ONNX Runtime contrib operator domain.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    private readonly GraphProto _graph;
    private readonly Dictionary<string, long> _opsets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxDataType> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <summary>Starts a graph.</summary>
    /// <param name="name">The graph name.</param>
    /// <param name="seed">Seed of <see cref="Random"/>, used by the random initializers.</param>
    /// <param name="opset">The default-domain opset version (21 needs ONNX Runtime 1.18 or newer).</param>
    public GraphBuilder(string name = "graph", int seed = 0, int opset = 21)
    {
        _graph = new GraphProto { Name = name };
        _opsets[string.Empty] = opset;
        Random = new TensorRandom(seed);
    }

    /// <summary>The generator behind <see cref="RandomNormal"/> and <see cref="RandomUniform"/>.</summary>
    public TensorRandom Random { get; }

    /// <summary>The model's IR version (10 matches opset 21).</summary>
    public long IrVersion { get; set; } = 10;

    /// <summary>Declares a graph input.</summary>
    public GraphValue Input(string name, OnnxDataType dataType, params Dimension[] shape)
    {
        Claim(name);
        _graph.Input.Add(OnnxTypes.TensorValueInfo(name, dataType, shape));
        return Track(name, dataType);
    }

    /// <summary>Declares <paramref name="value"/> a graph output; a null <paramref name="shape"/> leaves the rank open.</summary>
    public GraphValue Output(GraphValue value, params Dimension[]? shape)
    {
        RequireKnown(value);
        _graph.Output.Add(OnnxTypes.TensorValueInfo(value.Name, value.DataType, shape is { Length: > 0 } ? shape : null));
        return value;
    }

    /// <summary>Declares a graph output named <paramref name="name"/> carrying <paramref name="value"/> (an Identity renames it if needed).</summary>
    public GraphValue Output(string name, GraphValue value, params Dimension[]? shape)
    {
        RequireKnown(value);
        GraphValue named = value.Name == name ? value : Identity(value, name);
        return Output(named, shape);
    }

    /// <summary>
    /// Makes a tensor of the enclosing graph usable here, for a subgraph (e.g. a Loop body) that reads
    /// it from the outer scope.
    /// </summary>
    public GraphValue OuterScope(GraphValue outer)
    {
        Claim(outer.Name);
        return Track(outer.Name, outer.DataType);
    }

    /// <summary>Adds an initializer holding <paramref name="data"/>.</summary>
    public GraphValue Initializer<T>(string name, ReadOnlySpan<long> dims, ReadOnlySpan<T> data) where T : unmanaged
    {
        Claim(name);
        _graph.Initializer.Add(OnnxTensors.Create(name, dims, data));
        return Track(name, OnnxTensors.DataTypeOf<T>());
    }

    /// <summary>Adds an initializer that shares <paramref name="bytes"/> without copying (see <see cref="OnnxTensors.Wrap"/>).</summary>
    public GraphValue Initializer(string name, OnnxDataType dataType, ReadOnlySpan<long> dims, ReadOnlyMemory<byte> bytes)
    {
        Claim(name);
        _graph.Initializer.Add(OnnxTensors.Wrap(name, dataType, dims, bytes));
        return Track(name, dataType);
    }

    /// <summary>Adds an automatically named initializer.</summary>
    public GraphValue Constant<T>(ReadOnlySpan<long> dims, ReadOnlySpan<T> data) where T : unmanaged =>
        Initializer(UniqueName("const"), dims, data);

    /// <summary>A 1-D int64 constant, e.g. a shape or axes.</summary>
    public GraphValue Int64s(params long[] values) => Constant<long>([values.Length], values);

    /// <summary>A scalar float constant.</summary>
    public GraphValue Scalar(float value) => Constant<float>([], [value]);

    /// <summary>A scalar int64 constant.</summary>
    public GraphValue Scalar(long value) => Constant<long>([], [value]);

    /// <summary>An initializer of normally distributed values from <see cref="Random"/>.</summary>
    public GraphValue RandomNormal(string name, long[] dims, float std = 0.02f, float mean = 0f)
    {
        ArgumentNullException.ThrowIfNull(dims);
        return Initializer<float>(name, dims, Random.Normal(OnnxTensors.ElementCount(dims), mean, std));
    }

    /// <summary>An initializer of uniformly distributed values from <see cref="Random"/>.</summary>
    public GraphValue RandomUniform(string name, long[] dims, float low = -1f, float high = 1f)
    {
        ArgumentNullException.ThrowIfNull(dims);
        return Initializer<float>(name, dims, Random.Uniform(OnnxTensors.ElementCount(dims), low, high));
    }

    /// <summary>
    /// Adds a node. Outputs are named from <paramref name="outputNames"/> (null: generated; empty: an
    /// omitted optional output) and typed from <paramref name="outputTypes"/> (or the first input's type);
    /// pass <see cref="GraphValue.None"/> for omitted optional inputs.
    /// </summary>
    public GraphValue[] Node(
        string opType,
        IReadOnlyList<GraphValue> inputs,
        int outputCount = 1,
        IEnumerable<AttributeProto>? attributes = null,
        string domain = "",
        IReadOnlyList<string?>? outputNames = null,
        IReadOnlyList<OnnxDataType>? outputTypes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (GraphValue input in inputs)
        {
            if (!input.IsNone)
            {
                RequireKnown(input);
            }
        }

        if (domain.Length > 0 && !_opsets.ContainsKey(domain))
        {
            _opsets[domain] = 1;
        }

        string nodeName = UniqueName(opType);
        var node = new NodeProto { OpType = opType, Domain = domain, Name = nodeName };
        node.Input.AddRange(inputs.Select(i => i.Name));
        if (attributes is not null)
        {
            node.Attribute.AddRange(attributes);
        }

        OnnxDataType defaultType = inputs.FirstOrDefault(i => !i.IsNone).DataType;
        var outputs = new GraphValue[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            string? requested = outputNames?.ElementAtOrDefault(i);
            if (requested is { Length: 0 })
            {
                // An omitted optional output.
                outputs[i] = GraphValue.None;
                node.Output.Add(string.Empty);
                continue;
            }

            string name = requested ?? (outputCount == 1 ? nodeName + "_out" : $"{nodeName}_out{i}");
            Claim(name);
            outputs[i] = Track(name, outputTypes?.ElementAtOrDefault(i) is { } t && t != OnnxDataType.Undefined ? t : defaultType);
            node.Output.Add(name);
        }

        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Adds a single-output node; see <see cref="Node"/>.</summary>
    public GraphValue Op(string opType, IReadOnlyList<GraphValue> inputs, IEnumerable<AttributeProto>? attributes = null, string? name = null, OnnxDataType outputType = OnnxDataType.Undefined, string domain = "") =>
        Node(opType, inputs, 1, attributes, domain, [name], [outputType])[0];

    /// <summary>
    /// The finished model. Intermediate tensors are declared in <c>value_info</c> with their element
    /// type, so rewrites can expose them as outputs. The builder can keep adding after this.
    /// </summary>
    public ModelProto Build()
    {
        GraphProto graph = _graph.Clone();
        var declared = new HashSet<string>(graph.Input.Concat(graph.Output).Select(v => v.Name), StringComparer.Ordinal);
        declared.UnionWith(graph.Initializer.Select(t => t.Name));
        foreach (string output in graph.Node.SelectMany(n => n.Output))
        {
            if (!declared.Contains(output) && _types.TryGetValue(output, out OnnxDataType type) && type != OnnxDataType.Undefined)
            {
                graph.ValueInfo.Add(OnnxTypes.TensorValueInfo(output, type));
            }
        }

        var model = new ModelProto { IrVersion = IrVersion, ProducerName = "VisPruner.Onnx", Graph = graph };
        foreach ((string domain, long version) in _opsets)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        }

        return model;
    }

    /// <summary>The finished graph alone, e.g. as the body of a Loop or If in another builder's graph.</summary>
    public GraphProto BuildGraph() => Build().Graph;

    /// <summary>The finished model, serialized (for an in-memory session).</summary>
    public byte[] ToBytes() => OnnxModelFile.ToBytes(Build());

    private GraphValue Track(string name, OnnxDataType type)
    {
        _types[name] = type;
        return new GraphValue(name, type);
    }

    private void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_types.ContainsKey(name))
        {
            throw new ArgumentException($"The graph already has a tensor named '{name}'.", nameof(name));
        }
    }

    private void RequireKnown(GraphValue value)
    {
        if (value.IsNone || !_types.ContainsKey(value.Name))
        {
            throw new ArgumentException($"'{value.Name}' is not a tensor of this graph.", nameof(value));
        }
    }

    private string UniqueName(string prefix)
    {
        string name;
        do
        {
            int n = _counters.GetValueOrDefault(prefix);
            _counters[prefix] = n + 1;
            name = $"{prefix}_{n}";
        }
        while (_types.ContainsKey(name) || _types.ContainsKey(name + "_out"));

        return name;
    }
}
