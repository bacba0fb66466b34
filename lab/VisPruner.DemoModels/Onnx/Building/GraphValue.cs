namespace VisPruner.Onnx;

/// <summary>A tensor in a graph under construction: its name and element type.</summary>
/// <param name="Name">The tensor name; empty for an omitted optional input.</param>
/// <param name="DataType">The element type.</param>
internal readonly record struct GraphValue(string Name, OnnxDataType DataType)
{
    /// <summary>An omitted optional input (ONNX's empty name).</summary>
    public static GraphValue None => new(string.Empty, OnnxDataType.Undefined);

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => string.IsNullOrEmpty(Name);

    /// <inheritdoc />
    public override string ToString() => IsNone ? "(none)" : $"{Name}: {DataType}";
}
