using System.Buffers;
using VisPruner.OnnxRuntime.Native;

namespace VisPruner.OnnxRuntime;

/// <summary>
/// An ONNX Runtime value (a tensor). Tensors made by <see cref="CreateTensor{T}(Memory{T}, ReadOnlySpan{long})"/>
/// wrap managed memory without copying it: the memory is pinned until the value is disposed, and the
/// runtime reads (and, for bound outputs, writes) it directly.
/// </summary>
/// <remarks>
/// Dispose every value: disposal releases the native value at once. Spans returned by
/// <see cref="GetTensorSpan{T}"/> must not be used after disposal. Not thread-safe for concurrent mutation.
/// </remarks>
public sealed unsafe class OrtValue : IDisposable
{
    private readonly OrtHandle _handle;
    private long[]? _shape;
    private TensorElementType _elementType;

    private OrtValue(IntPtr handle, MemoryHandle pin = default)
    {
        _handle = new OrtHandle(handle, OrtApi.ReleaseValue, pin);
    }

    /// <summary>Wraps <paramref name="data"/> as a tensor of <paramref name="shape"/>, without copying.</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not match the data length.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a tensor element type.</exception>
    public static OrtValue CreateTensor<T>(Memory<T> data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        TensorElementType type = TensorElementTypes.Of<T>();
        long count = ElementCount(shape, nameof(shape));
        if (count != data.Length)
        {
            throw new ArgumentException($"The shape [{string.Join(", ", shape.ToArray())}] holds {count} elements but the data has {data.Length}.", nameof(shape));
        }

        if (count == 0)
        {
            // The runtime wants a real buffer; an empty tensor has no bytes to share anyway.
            return Allocate(type, shape);
        }

        OnnxRuntimeEnvironment env = OnnxRuntimeEnvironment.Instance;
        MemoryHandle pin = data.Pin();
        try
        {
            IntPtr value;
            fixed (long* dims = shape)
            {
                OrtStatus.ThrowIfFailed(OrtApi.CreateTensorWithDataAsOrtValue(
                    env.CpuMemoryInfo, pin.Pointer, (nuint)(count * sizeof(T)), dims, (nuint)shape.Length, (int)type, &value));
            }

            return new OrtValue(value, pin) { _elementType = type };
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Wraps read-only <paramref name="data"/> as an input tensor, without copying. The runtime never
    /// writes to inputs; do not bind such a tensor as an output.
    /// </summary>
    public static OrtValue CreateTensor<T>(ReadOnlyMemory<T> data, ReadOnlySpan<long> shape) where T : unmanaged =>
        CreateTensor(System.Runtime.InteropServices.MemoryMarshal.AsMemory(data), shape);

    /// <summary>Wraps <paramref name="data"/> as a tensor of <paramref name="shape"/>, without copying.</summary>
    public static OrtValue CreateTensor<T>(T[] data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return CreateTensor(data.AsMemory(), shape);
    }

    /// <summary>A tensor whose (uninitialised) memory is allocated by ONNX Runtime.</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or the type has no fixed size.</exception>
    public static OrtValue Allocate(TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        ElementCount(shape, nameof(shape));
        if (TensorElementTypes.SizeOf(elementType) == 0)
        {
            throw new ArgumentException($"Cannot allocate a tensor of element type {elementType}.", nameof(elementType));
        }

        OnnxRuntimeEnvironment env = OnnxRuntimeEnvironment.Instance;
        IntPtr value;
        fixed (long* dims = shape)
        {
            OrtStatus.ThrowIfFailed(OrtApi.CreateTensorAsOrtValue(env.DefaultAllocator, dims, (nuint)shape.Length, (int)elementType, &value));
        }

        return new OrtValue(value) { _elementType = elementType };
    }

    /// <summary>Takes ownership of a value the runtime created (a run output).</summary>
    internal static OrtValue FromNative(IntPtr value) => new(value);

    internal IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>True when the value is a tensor (the only kind this binding creates).</summary>
    public bool IsTensor
    {
        get
        {
            int onnxType;
            OrtStatus.ThrowIfFailed(OrtApi.GetValueType(Handle, &onnxType));
            return onnxType == 1;
        }
    }

    /// <summary>The tensor's element type.</summary>
    public TensorElementType ElementType
    {
        get
        {
            if (_elementType == TensorElementType.Undefined)
            {
                ReadTypeAndShape();
            }

            return _elementType;
        }
    }

    /// <summary>The tensor's dimensions.</summary>
    public IReadOnlyList<long> Shape
    {
        get
        {
            if (_shape is null)
            {
                ReadTypeAndShape();
            }

            return _shape!;
        }
    }

    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public long ElementCount()
    {
        long count = 1;
        foreach (long d in Shape)
        {
            count *= d;
        }

        return count;
    }

    /// <summary>The tensor's memory as a span of <typeparamref name="T"/>; valid until the value is disposed.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match <see cref="ElementType"/>.</exception>
    public Span<T> GetTensorSpan<T>() where T : unmanaged
    {
        TensorElementType requested = TensorElementTypes.Of<T>();
        if (requested != ElementType)
        {
            throw new InvalidOperationException($"The tensor holds {ElementType} elements, not {requested} ({typeof(T).Name}).");
        }

        long count = ElementCount();
        if (count > int.MaxValue)
        {
            throw new InvalidOperationException($"The tensor has {count} elements, more than a span can address.");
        }

        if (count == 0)
        {
            return [];
        }

        void* data;
        OrtStatus.ThrowIfFailed(OrtApi.GetTensorMutableData(Handle, &data));
        return new Span<T>(data, (int)count);
    }

    /// <summary>Copies the tensor's elements into a new array.</summary>
    public T[] ToArray<T>() where T : unmanaged => GetTensorSpan<T>().ToArray();

    /// <summary>Releases the native value, then unpins any managed memory it wrapped.</summary>
    public void Dispose() => _handle.Dispose();

    private void ReadTypeAndShape()
    {
        IntPtr info;
        OrtStatus.ThrowIfFailed(OrtApi.GetTensorTypeAndShape(Handle, &info));
        try
        {
            _elementType = TensorInfo.ElementType(info);
            _shape = TensorInfo.Dimensions(info);
        }
        finally
        {
            OrtApi.ReleaseTensorTypeAndShapeInfo(info);
        }
    }

    private static long ElementCount(ReadOnlySpan<long> shape, string paramName)
    {
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Tensor dimensions must be non-negative; got [{string.Join(", ", shape.ToArray())}].", paramName);
            }

            count = checked(count * d);
        }

        return count;
    }
}
