namespace VisPruner.OnnxRuntime;

/// <summary>Tensor element types, numbered as ONNX's <c>TensorProto.DataType</c>.</summary>
#pragma warning disable CA1720 // The members mirror ONNX's data type names on purpose.
public enum TensorElementType
{
    /// <summary>Unknown or not a tensor.</summary>
    Undefined = 0,
    /// <summary>32-bit float (<see cref="float"/>).</summary>
    Float = 1,
    /// <summary>Unsigned byte (<see cref="byte"/>).</summary>
    UInt8 = 2,
    /// <summary>Signed byte (<see cref="sbyte"/>).</summary>
    Int8 = 3,
    /// <summary>Unsigned 16-bit integer (<see cref="ushort"/>).</summary>
    UInt16 = 4,
    /// <summary>Signed 16-bit integer (<see cref="short"/>).</summary>
    Int16 = 5,
    /// <summary>Signed 32-bit integer (<see cref="int"/>).</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer (<see cref="long"/>).</summary>
    Int64 = 7,
    /// <summary>String (not supported over managed memory).</summary>
    String = 8,
    /// <summary>Boolean, one byte per element (<see cref="bool"/>).</summary>
    Bool = 9,
    /// <summary>IEEE half precision (<see cref="Half"/>).</summary>
    Float16 = 10,
    /// <summary>64-bit float (<see cref="double"/>).</summary>
    Double = 11,
    /// <summary>Unsigned 32-bit integer (<see cref="uint"/>).</summary>
    UInt32 = 12,
    /// <summary>Unsigned 64-bit integer (<see cref="ulong"/>).</summary>
    UInt64 = 13,
    /// <summary>Complex of two floats.</summary>
    Complex64 = 14,
    /// <summary>Complex of two doubles.</summary>
    Complex128 = 15,
    /// <summary>Brain float (<see cref="OnnxRuntime.BFloat16"/>).</summary>
    BFloat16 = 16,
}
#pragma warning restore CA1720
