namespace VisPruner.OnnxRuntime;

/// <summary>The declared type of one session input or output.</summary>
/// <param name="Name">The input or output name.</param>
/// <param name="ElementType">The tensor element type; <see cref="TensorElementType.Undefined"/> for non-tensors.</param>
/// <param name="Dimensions">Declared dimensions; -1 where a dimension is dynamic.</param>
/// <param name="SymbolicDimensions">The symbolic name of each dimension (e.g. <c>batch</c>), or null where it has none.</param>
public sealed record TensorMetadata(string Name, TensorElementType ElementType, IReadOnlyList<long> Dimensions, IReadOnlyList<string?> SymbolicDimensions)
{
    /// <summary>True when the value is a tensor.</summary>
    public bool IsTensor => ElementType != TensorElementType.Undefined;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: {ElementType}[{string.Join(", ", Dimensions.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : SymbolicDimensions[i] ?? "?"))}]";
}
