using VisPruner.Onnx.Protobuf;

namespace VisPruner.Onnx;

/// <summary>Graph queries and rewriting primitives over <see cref="GraphProto"/>.</summary>
/// <remarks>Not thread-safe: the methods read and mutate the protobuf objects in place.</remarks>
internal static class OnnxGraphs
{
    /// <summary>Every initializer of <paramref name="graph"/> and of its subgraphs (Loop/If/Scan bodies).</summary>
    public static IEnumerable<TensorProto> AllInitializers(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (TensorProto tensor in graph.Initializer)
        {
            yield return tensor;
        }

        foreach (GraphProto subgraph in Subgraphs(graph))
        {
            foreach (TensorProto tensor in AllInitializers(subgraph))
            {
                yield return tensor;
            }
        }
    }

    /// <summary>The nodes of <paramref name="opType"/> (and <paramref name="domain"/>, when given), in graph order.</summary>
    public static IReadOnlyList<NodeProto> FindNodes(this GraphProto graph, string opType, string? domain = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node.Where(n => n.OpType == opType && (domain is null || n.Domain == domain)).ToArray();
    }

    /// <summary>The node named <paramref name="name"/>, or null.</summary>
    public static NodeProto? FindNode(this GraphProto graph, string name)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node.FirstOrDefault(n => n.Name == name);
    }

    /// <summary>The node that produces <paramref name="tensorName"/>, or null for inputs, initializers and unknown names.</summary>
    public static NodeProto? Producer(this GraphProto graph, string tensorName)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node.FirstOrDefault(n => n.Output.Contains(tensorName));
    }

    /// <summary>The nodes that read <paramref name="tensorName"/>, directly or from a subgraph.</summary>
    public static IReadOnlyList<NodeProto> Consumers(this GraphProto graph, string tensorName)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node.Where(n => ReadNames(n).Contains(tensorName)).ToArray();
    }

    /// <summary>The nodes in an order where every node follows the producers of its inputs.</summary>
    /// <exception cref="InvalidDataException">The graph has a cycle.</exception>
    public static IReadOnlyList<NodeProto> TopologicalOrder(this GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var producerIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Node.Count; i++)
        {
            foreach (string output in graph.Node[i].Output)
            {
                if (output.Length > 0)
                {
                    producerIndex[output] = i;
                }
            }
        }

        var pending = new int[graph.Node.Count];
        var dependents = new List<int>[graph.Node.Count];
        for (int i = 0; i < graph.Node.Count; i++)
        {
            dependents[i] = [];
        }

        for (int i = 0; i < graph.Node.Count; i++)
        {
            foreach (string input in ReadNames(graph.Node[i]))
            {
                if (producerIndex.TryGetValue(input, out int producer) && producer != i)
                {
                    pending[i]++;
                    dependents[producer].Add(i);
                }
            }
        }

        // Kahn's algorithm, taking ready nodes in their original order for a stable result.
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < pending.Length; i++)
        {
            if (pending[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var order = new List<NodeProto>(graph.Node.Count);
        while (ready.TryDequeue(out int index, out _))
        {
            order.Add(graph.Node[index]);
            foreach (int dependent in dependents[index])
            {
                if (--pending[dependent] == 0)
                {
                    ready.Enqueue(dependent, dependent);
                }
            }
        }

        if (order.Count != graph.Node.Count)
        {
            throw new InvalidDataException($"Graph '{graph.Name}' has a cycle; {graph.Node.Count - order.Count} nodes cannot be ordered.");
        }

        return order;
    }

    /// <summary>Reorders the graph's nodes topologically (ONNX requires it; rewrites can break it).</summary>
    public static void SortTopologically(this GraphProto graph)
    {
        IReadOnlyList<NodeProto> order = graph.TopologicalOrder();
        graph.Node.Clear();
        graph.Node.AddRange(order);
    }

    /// <summary>
    /// Makes the internal tensor <paramref name="tensorName"/> an extra graph output, so a session returns it.
    /// The type comes from <paramref name="elementType"/> or, when that is undefined, from the graph's
    /// <c>value_info</c>, inputs or initializers; the shape from <paramref name="shape"/> or <c>value_info</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No node, input or initializer has that name.</exception>
    /// <exception cref="InvalidOperationException">The element type is unknown and was not given.</exception>
    public static ValueInfoProto ExposeAsOutput(this GraphProto graph, string tensorName, OnnxDataType elementType = OnnxDataType.Undefined, IReadOnlyList<Dimension>? shape = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentException.ThrowIfNullOrEmpty(tensorName);
        if (graph.Output.FirstOrDefault(o => o.Name == tensorName) is { } existing)
        {
            return existing;
        }

        ValueInfoProto? known = graph.ValueInfo.Concat(graph.Input).FirstOrDefault(v => v.Name == tensorName);
        TensorProto? initializer = graph.Initializer.FirstOrDefault(t => t.Name == tensorName);
        if (known is null && initializer is null && graph.Producer(tensorName) is null)
        {
            throw new ArgumentException($"Graph '{graph.Name}' has no tensor named '{tensorName}'.", nameof(tensorName));
        }

        if (elementType == OnnxDataType.Undefined)
        {
            elementType = known is not null ? OnnxTypes.ElementType(known)
                : initializer is not null ? (OnnxDataType)initializer.DataType
                : OnnxDataType.Undefined;
        }

        if (elementType == OnnxDataType.Undefined)
        {
            throw new InvalidOperationException($"The element type of '{tensorName}' is unknown (no value_info declares it); pass it explicitly.");
        }

        shape ??= known is not null ? OnnxTypes.Shape(known) : initializer?.Dims.Select(Dimension.Fixed).ToArray();
        ValueInfoProto output = OnnxTypes.TensorValueInfo(tensorName, elementType, shape);
        graph.Output.Add(output);
        return output;
    }

    /// <summary>
    /// Removes nodes whose outputs nothing needs (no graph output, no kept node, no subgraph), then the
    /// initializers and value_info entries left unreferenced. Returns the number of nodes removed.
    /// </summary>
    public static int RemoveUnusedNodes(this GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        IReadOnlyList<NodeProto> order = graph.TopologicalOrder();
        var needed = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var kept = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            NodeProto node = order[i];
            if (node.Output.Any(needed.Contains))
            {
                kept.Add(node);
                needed.UnionWith(ReadNames(node));
            }
        }

        int removed = graph.Node.Count - kept.Count;
        var remaining = graph.Node.Where(kept.Contains).ToArray();
        graph.Node.Clear();
        graph.Node.AddRange(remaining);

        var graphInputs = new HashSet<string>(graph.Input.Select(i => i.Name), StringComparer.Ordinal);
        var unusedInitializers = graph.Initializer.Where(t => !needed.Contains(t.Name) && !graphInputs.Contains(t.Name)).ToArray();
        foreach (TensorProto tensor in unusedInitializers)
        {
            graph.Initializer.Remove(tensor);
        }

        var produced = new HashSet<string>(remaining.SelectMany(n => n.Output), StringComparer.Ordinal);
        foreach (ValueInfoProto stale in graph.ValueInfo.Where(v => !produced.Contains(v.Name)).ToArray())
        {
            graph.ValueInfo.Remove(stale);
        }

        return removed;
    }

    /// <summary>Every tensor name a node reads: its inputs and, for nodes with subgraphs, the names those read.</summary>
    private static IEnumerable<string> ReadNames(NodeProto node)
    {
        foreach (string input in node.Input)
        {
            if (input.Length > 0)
            {
                yield return input;
            }
        }

        foreach (AttributeProto attribute in node.Attribute)
        {
            foreach (GraphProto subgraph in AttributeGraphs(attribute))
            {
                // Over-approximates outer-scope reads with every name read inside; extra names only keep more.
                foreach (NodeProto inner in subgraph.Node)
                {
                    foreach (string name in ReadNames(inner))
                    {
                        yield return name;
                    }
                }
            }
        }
    }

    private static IEnumerable<GraphProto> Subgraphs(GraphProto graph) =>
        graph.Node.SelectMany(n => n.Attribute).SelectMany(AttributeGraphs);

    private static IEnumerable<GraphProto> AttributeGraphs(AttributeProto attribute) =>
        attribute.G is { } g ? [g, .. attribute.Graphs] : attribute.Graphs;
}
