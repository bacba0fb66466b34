using VisPruner.Onnx.Protobuf;

namespace VisPruner.Onnx;

/// <summary>Builds and reads <see cref="ValueInfoProto"/> tensor types.</summary>
internal static class OnnxTypes
{
    /// <summary>A tensor value declaration; a null <paramref name="shape"/> leaves the rank unknown.</summary>
    public static ValueInfoProto TensorValueInfo(string name, OnnxDataType elementType, IReadOnlyList<Dimension>? shape = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType };
        if (shape is not null)
        {
            tensorType.Shape = new TensorShapeProto();
            foreach (Dimension dim in shape)
            {
                var d = new TensorShapeProto.Types.Dimension();
                if (dim.Value is long value)
                {
                    d.DimValue = value;
                }
                else if (dim.Parameter is string parameter)
                {
                    d.DimParam = parameter;
                }

                tensorType.Shape.Dim.Add(d);
            }
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    /// <summary>The element type of a tensor declaration, or <see cref="OnnxDataType.Undefined"/>.</summary>
    public static OnnxDataType ElementType(ValueInfoProto valueInfo)
    {
        ArgumentNullException.ThrowIfNull(valueInfo);
        return valueInfo.Type?.TensorType is { } t ? (OnnxDataType)t.ElemType : OnnxDataType.Undefined;
    }

    /// <summary>The shape of a tensor declaration, or null when its rank is unknown.</summary>
    public static IReadOnlyList<Dimension>? Shape(ValueInfoProto valueInfo)
    {
        ArgumentNullException.ThrowIfNull(valueInfo);
        TensorShapeProto? shape = valueInfo.Type?.TensorType?.Shape;
        return shape?.Dim.Select(d =>
            d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? Dimension.Fixed(d.DimValue)
            : d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? Dimension.Symbolic(d.DimParam)
            : Dimension.Unknown).ToArray();
    }
}
