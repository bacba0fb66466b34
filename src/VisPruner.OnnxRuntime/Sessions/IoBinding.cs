using VisPruner.OnnxRuntime.Native;

namespace VisPruner.OnnxRuntime;

/// <summary>
/// Binds inputs and outputs of an <see cref="InferenceSession"/> once, so repeated runs reuse the same
/// buffers (e.g. a decoder's logits and KV cache). Run it with <see cref="InferenceSession.Run(IoBinding, CancellationToken)"/>.
/// </summary>
/// <remarks>Bound values must stay undisposed while bound. Not thread-safe: use one binding per thread.</remarks>
public sealed unsafe class IoBinding : IDisposable
{
    private readonly OrtHandle _binding;
    private readonly Dictionary<string, OrtValue> _keepAlive = new(StringComparer.Ordinal);

    internal IoBinding(InferenceSession session)
    {
        Session = session;
        IntPtr binding;
        OrtStatus.ThrowIfFailed(OrtApi.CreateIoBinding(session.Handle, &binding));
        _binding = new OrtHandle(binding, OrtApi.ReleaseIoBinding);
        // The native binding points into the session: keep the session alive until the binding is released.
        session.AddRef();
    }

    internal InferenceSession Session { get; }

    internal IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_binding.IsClosed, this);
            return _binding.DangerousGetHandle();
        }
    }

    /// <summary>Binds <paramref name="value"/> to the input <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The session has no such input.</exception>
    public void BindInput(string name, OrtValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        OrtStatus.ThrowIfFailed(OrtApi.BindInput(Handle, (byte*)Session.InputNamePointer(name), value.Handle));
        _keepAlive["in:" + name] = value;
    }

    /// <summary>Binds a pre-allocated tensor that the run writes the output <paramref name="name"/> into.</summary>
    /// <exception cref="ArgumentException">The session has no such output.</exception>
    public void BindOutput(string name, OrtValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        OrtStatus.ThrowIfFailed(OrtApi.BindOutput(Handle, (byte*)Session.OutputNamePointer(name), value.Handle));
        _keepAlive["out:" + name] = value;
    }

    /// <summary>Binds the output <paramref name="name"/> to CPU memory the runtime allocates on each run.</summary>
    /// <exception cref="ArgumentException">The session has no such output.</exception>
    public void BindOutputToCpu(string name)
    {
        OrtStatus.ThrowIfFailed(OrtApi.BindOutputToDevice(Handle, (byte*)Session.OutputNamePointer(name), OnnxRuntimeEnvironment.Instance.CpuMemoryInfo));
        _keepAlive.Remove("out:" + name);
    }

    /// <summary>Unbinds every input.</summary>
    public void ClearInputs()
    {
        OrtApi.ClearBoundInputs(Handle);
        foreach (string key in _keepAlive.Keys.Where(k => k.StartsWith("in:", StringComparison.Ordinal)).ToArray())
        {
            _keepAlive.Remove(key);
        }
    }

    /// <summary>Unbinds every output.</summary>
    public void ClearOutputs()
    {
        OrtApi.ClearBoundOutputs(Handle);
        foreach (string key in _keepAlive.Keys.Where(k => k.StartsWith("out:", StringComparison.Ordinal)).ToArray())
        {
            _keepAlive.Remove(key);
        }
    }

    /// <summary>The output values of the last run, in binding order; each is a new reference the caller disposes.</summary>
    public OrtValue[] GetOutputValues()
    {
        IntPtr allocator = OnnxRuntimeEnvironment.Instance.DefaultAllocator;
        IntPtr* values;
        nuint count;
        OrtStatus.ThrowIfFailed(OrtApi.GetBoundOutputValues(Handle, allocator, &values, &count));
        if (values == null)
        {
            return [];
        }

        try
        {
            var result = new OrtValue[(int)count];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = OrtValue.FromNative(values[i]);
            }

            return result;
        }
        finally
        {
            OrtStatus.ThrowIfFailed(OrtApi.AllocatorFree(allocator, values));
        }
    }

    /// <summary>Releases the native binding.</summary>
    public void Dispose()
    {
        if (!_binding.IsClosed)
        {
            _binding.Dispose();
            Session.Release();
        }

        _keepAlive.Clear();
    }
}
