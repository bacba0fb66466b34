using System.Runtime.InteropServices;
using Google.Protobuf;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.Onnx;

/// <summary>Creates <see cref="TensorProto"/>s from spans and reads their elements back, whatever field holds them.</summary>
internal static class OnnxTensors
{
    /// <summary>The ONNX data type of <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no ONNX data type.</exception>
    public static OnnxDataType DataTypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? OnnxDataType.Float
        : typeof(T) == typeof(Half) ? OnnxDataType.Float16
        : typeof(T) == typeof(long) ? OnnxDataType.Int64
        : typeof(T) == typeof(int) ? OnnxDataType.Int32
        : typeof(T) == typeof(bool) ? OnnxDataType.Bool
        : typeof(T) == typeof(byte) ? OnnxDataType.UInt8
        : typeof(T) == typeof(sbyte) ? OnnxDataType.Int8
        : typeof(T) == typeof(short) ? OnnxDataType.Int16
        : typeof(T) == typeof(ushort) ? OnnxDataType.UInt16
        : typeof(T) == typeof(uint) ? OnnxDataType.UInt32
        : typeof(T) == typeof(ulong) ? OnnxDataType.UInt64
        : typeof(T) == typeof(double) ? OnnxDataType.Double
        : throw new NotSupportedException($"{typeof(T)} has no ONNX data type.");

    /// <summary>Bytes per element of <paramref name="type"/>; 0 for strings and unknown types.</summary>
    public static int SizeOf(OnnxDataType type) => type switch
    {
        OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.Bool => 1,
        OnnxDataType.UInt16 or OnnxDataType.Int16 or OnnxDataType.Float16 or OnnxDataType.BFloat16 => 2,
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
        OnnxDataType.Double or OnnxDataType.Int64 or OnnxDataType.UInt64 => 8,
        _ => 0,
    };

    /// <summary>A tensor named <paramref name="name"/> holding a copy of <paramref name="data"/> in <c>raw_data</c>.</summary>
    /// <exception cref="ArgumentException">The dimensions do not match the data length.</exception>
    public static TensorProto Create<T>(string name, ReadOnlySpan<long> dims, ReadOnlySpan<T> data) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(name);
        long count = ElementCount(dims);
        if (count != data.Length)
        {
            throw new ArgumentException($"Tensor '{name}': dimensions [{string.Join(", ", dims.ToArray())}] hold {count} elements but {data.Length} were given.", nameof(data));
        }

        var tensor = new TensorProto { Name = name, DataType = (int)DataTypeOf<T>() };
        tensor.Dims.AddRange(dims.ToArray());
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data));
        return tensor;
    }

    /// <summary>
    /// A tensor whose <c>raw_data</c> is <paramref name="bytes"/> itself, without a copy: the caller must not
    /// change the bytes while the tensor is in use. Meant for large weights.
    /// </summary>
    /// <exception cref="ArgumentException">The byte count does not match the dimensions and type.</exception>
    public static TensorProto Wrap(string name, OnnxDataType dataType, ReadOnlySpan<long> dims, ReadOnlyMemory<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(name);
        long expected = ElementCount(dims) * SizeOf(dataType);
        if (SizeOf(dataType) == 0 || bytes.Length != expected)
        {
            throw new ArgumentException($"Tensor '{name}': {dataType} [{string.Join(", ", dims.ToArray())}] needs {expected} bytes but {bytes.Length} were given.", nameof(bytes));
        }

        var tensor = new TensorProto { Name = name, DataType = (int)dataType, RawData = UnsafeByteOperations.UnsafeWrap(bytes) };
        tensor.Dims.AddRange(dims.ToArray());
        return tensor;
    }

    /// <summary>The number of elements of a tensor with <paramref name="dims"/>.</summary>
    public static long ElementCount(ReadOnlySpan<long> dims)
    {
        long count = 1;
        foreach (long d in dims)
        {
            count = checked(count * d);
        }

        return count;
    }

    /// <summary>
    /// The elements of <paramref name="tensor"/> as <typeparamref name="T"/>, from <c>raw_data</c>, the typed
    /// fields, or the external file it references (resolved against <paramref name="baseDirectory"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor's data type is not <typeparamref name="T"/>.</exception>
    /// <exception cref="InvalidDataException">The stored data has the wrong length.</exception>
    public static T[] Read<T>(TensorProto tensor, string? baseDirectory = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(tensor);
        OnnxDataType expected = DataTypeOf<T>();
        if (tensor.DataType != (int)expected)
        {
            throw new InvalidOperationException($"Tensor '{tensor.Name}' holds {(OnnxDataType)tensor.DataType}, not {expected}.");
        }

        long count = ElementCount(tensor.Dims.ToArray());
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            return FromBytes<T>(tensor, ExternalData.Read(tensor, baseDirectory ?? "."), count);
        }

        if (tensor.HasRawData)
        {
            return FromBytes<T>(tensor, tensor.RawData.Span, count);
        }

        T[] values = expected switch
        {
            OnnxDataType.Float => (T[])(object)tensor.FloatData.ToArray(),
            OnnxDataType.Double => (T[])(object)tensor.DoubleData.ToArray(),
            OnnxDataType.Int64 => (T[])(object)tensor.Int64Data.ToArray(),
            OnnxDataType.UInt64 => (T[])(object)tensor.Uint64Data.ToArray(),
            // Small types are widened into int32_data (float16 as its bit pattern).
            OnnxDataType.Int32 => (T[])(object)tensor.Int32Data.ToArray(),
            OnnxDataType.Float16 => (T[])(object)tensor.Int32Data.Select(v => BitConverter.UInt16BitsToHalf((ushort)v)).ToArray(),
            OnnxDataType.Bool => (T[])(object)tensor.Int32Data.Select(v => v != 0).ToArray(),
            OnnxDataType.UInt8 => (T[])(object)tensor.Int32Data.Select(v => (byte)v).ToArray(),
            OnnxDataType.Int8 => (T[])(object)tensor.Int32Data.Select(v => (sbyte)v).ToArray(),
            OnnxDataType.Int16 => (T[])(object)tensor.Int32Data.Select(v => (short)v).ToArray(),
            OnnxDataType.UInt16 => (T[])(object)tensor.Int32Data.Select(v => (ushort)v).ToArray(),
            OnnxDataType.UInt32 => (T[])(object)tensor.Uint64Data.Select(v => (uint)v).ToArray(),
            _ => throw new NotSupportedException($"Reading {expected} tensors is not supported."),
        };
        if (values.Length != count)
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}' declares {count} elements but stores {values.Length}.");
        }

        return values;
    }

    private static T[] FromBytes<T>(TensorProto tensor, ReadOnlySpan<byte> bytes, long count) where T : unmanaged
    {
        int size = SizeOf((OnnxDataType)tensor.DataType);
        if (bytes.Length != count * size)
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}' declares {count} elements ({count * size} bytes) but stores {bytes.Length} bytes.");
        }

        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }
}
