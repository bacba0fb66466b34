namespace VisPruner.OnnxRuntime;

/// <summary>Maps CLR element types to <see cref="TensorElementType"/> and back.</summary>
public static class TensorElementTypes
{
    /// <summary>The element type of <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no tensor element type.</exception>
    public static TensorElementType Of<T>() where T : unmanaged =>
        Cache<T>.Value is var type && type != TensorElementType.Undefined
            ? type
            : throw new NotSupportedException($"{typeof(T)} is not a tensor element type.");

    /// <summary>Bytes per element, or 0 for types without a fixed size (string, undefined).</summary>
    public static int SizeOf(TensorElementType type) => type switch
    {
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        TensorElementType.UInt16 or TensorElementType.Int16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 or TensorElementType.Complex64 => 8,
        TensorElementType.Complex128 => 16,
        _ => 0,
    };

    private static TensorElementType Lookup(Type type) =>
        type == typeof(float) ? TensorElementType.Float
        : type == typeof(Half) ? TensorElementType.Float16
        : type == typeof(BFloat16) ? TensorElementType.BFloat16
        : type == typeof(long) ? TensorElementType.Int64
        : type == typeof(int) ? TensorElementType.Int32
        : type == typeof(bool) ? TensorElementType.Bool
        : type == typeof(byte) ? TensorElementType.UInt8
        : type == typeof(sbyte) ? TensorElementType.Int8
        : type == typeof(short) ? TensorElementType.Int16
        : type == typeof(ushort) ? TensorElementType.UInt16
        : type == typeof(uint) ? TensorElementType.UInt32
        : type == typeof(ulong) ? TensorElementType.UInt64
        : type == typeof(double) ? TensorElementType.Double
        : TensorElementType.Undefined;

    private static class Cache<T> where T : unmanaged
    {
        public static readonly TensorElementType Value = Lookup(typeof(T));
    }
}
