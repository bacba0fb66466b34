using System.Text;
using Google.Protobuf;
using VisPruner.Onnx.Protobuf;
using AttributeType = VisPruner.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace VisPruner.Onnx;

/// <summary>Factory methods for node attributes.</summary>
#pragma warning disable CA1720 // Method names mirror ONNX attribute types (INT, FLOAT, STRING).
internal static class NodeAttributes
{
    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeType.Float, F = value };

    /// <summary>A string attribute (UTF-8).</summary>
    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFrom(value, Encoding.UTF8) };

    /// <summary>An integer list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A float list attribute.</summary>
    public static AttributeProto Floats(string name, params float[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    /// <summary>A tensor attribute.</summary>
    public static AttributeProto Tensor(string name, TensorProto value) => new() { Name = name, Type = AttributeType.Tensor, T = value };

    /// <summary>A subgraph attribute (e.g. a Loop body).</summary>
    public static AttributeProto Graph(string name, GraphProto value) => new() { Name = name, Type = AttributeType.Graph, G = value };
}
#pragma warning restore CA1720
