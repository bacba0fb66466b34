using VisPruner.OnnxRuntime.Native;

namespace VisPruner.OnnxRuntime;

/// <summary>A loaded ONNX model ready to run on ONNX Runtime.</summary>
/// <remarks>
/// Runs are thread-safe: several threads may call <c>Run</c> on one session at once. Disposal must
/// not race with a run. Dispose the session to release the model's native memory at once.
/// </remarks>
public sealed unsafe class InferenceSession : IDisposable
{
    // Above this many names a run's pointer arrays go to the heap instead of the stack.
    private const int MaxStackNames = 256;

    private readonly OrtHandle _session;
    private readonly NativeNames _inputNames;
    private readonly NativeNames _outputNames;

    private InferenceSession(IntPtr session)
    {
        _session = new OrtHandle(session, OrtApi.ReleaseSession);
        InputMetadata = ReadMetadata(session, input: true);
        OutputMetadata = ReadMetadata(session, input: false);
        _inputNames = new NativeNames(InputMetadata.Select(m => m.Name).ToArray());
        _outputNames = new NativeNames(OutputMetadata.Select(m => m.Name).ToArray());
    }

    /// <summary>The model's inputs, in declaration order.</summary>
    public IReadOnlyList<TensorMetadata> InputMetadata { get; }

    /// <summary>The model's outputs, in declaration order.</summary>
    public IReadOnlyList<TensorMetadata> OutputMetadata { get; }

    /// <summary>The input names, in declaration order.</summary>
    public IReadOnlyList<string> InputNames => _inputNames.Names;

    /// <summary>The output names, in declaration order.</summary>
    public IReadOnlyList<string> OutputNames => _outputNames.Names;

    /// <summary>Loads a model file; external data files are found next to it.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the model (e.g. <see cref="OrtErrorCode.InvalidProtobuf"/>).</exception>
    public static InferenceSession Load(string modelPath, InferenceSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"The ONNX model '{modelPath}' does not exist.", modelPath);
        }

        OnnxRuntimeEnvironment env = OnnxRuntimeEnvironment.Instance;
        using OrtHandle nativeOptions = NativeSessionOptions.Create(env, options ?? new InferenceSessionOptions());
        IntPtr session;
        string fullPath = Path.GetFullPath(modelPath);
        IntPtr status;
        if (OperatingSystem.IsWindows())
        {
            fixed (char* path = fullPath)
            {
                status = OrtApi.CreateSession(env.Handle, path, nativeOptions.DangerousGetHandle(), &session);
            }
        }
        else
        {
            fixed (byte* path = Utf8.ToNullTerminated(fullPath))
            {
                status = OrtApi.CreateSession(env.Handle, path, nativeOptions.DangerousGetHandle(), &session);
            }
        }

        ThrowModelError(status, modelPath);
        return new InferenceSession(session);
    }

    /// <summary>Loads a model from its serialized bytes (see <see cref="InferenceSessionOptions.ExternalDataFolder"/>).</summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the model.</exception>
    public static InferenceSession Load(ReadOnlySpan<byte> model, InferenceSessionOptions? options = null)
    {
        if (model.IsEmpty)
        {
            throw new ArgumentException("The model bytes are empty.", nameof(model));
        }

        OnnxRuntimeEnvironment env = OnnxRuntimeEnvironment.Instance;
        using OrtHandle nativeOptions = NativeSessionOptions.Create(env, options ?? new InferenceSessionOptions());
        IntPtr session;
        fixed (byte* data = model)
        {
            ThrowModelError(OrtApi.CreateSessionFromArray(env.Handle, data, (nuint)model.Length, nativeOptions.DangerousGetHandle(), &session), "(in-memory model)");
        }

        return new InferenceSession(session);
    }

    /// <summary>Runs the model and returns every output.</summary>
    /// <exception cref="ArgumentException">An input name is unknown.</exception>
    /// <exception cref="OnnxRuntimeException">The runtime rejected an input (shape, type, missing input) or failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> stopped the run.</exception>
    public SessionOutputs Run(IEnumerable<KeyValuePair<string, OrtValue>> inputs, CancellationToken cancellationToken = default) =>
        Run(inputs, OutputNames, cancellationToken);

    /// <summary>Runs the model and returns the outputs named in <paramref name="outputNames"/>, in that order.</summary>
    /// <exception cref="ArgumentException">An input or output name is unknown.</exception>
    /// <exception cref="OnnxRuntimeException">The runtime rejected an input (shape, type, missing input) or failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> stopped the run.</exception>
    public SessionOutputs Run(IEnumerable<KeyValuePair<string, OrtValue>> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        KeyValuePair<string, OrtValue>[] pairs = inputs.ToArray();
        string[] names = pairs.Select(p => p.Key).ToArray();
        OrtValue[] values = pairs.Select(p => p.Value ?? throw new ArgumentException($"The value of input '{p.Key}' is null.", nameof(inputs))).ToArray();
        var outputs = new OrtValue?[outputNames.Count];
        Run(names, values, outputNames.ToArray(), outputs, cancellationToken);
        return new SessionOutputs(outputNames.ToArray(), outputs!);
    }

    /// <summary>Runs the model on a thread-pool thread.</summary>
    public Task<SessionOutputs> RunAsync(IEnumerable<KeyValuePair<string, OrtValue>> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Run(inputs, outputNames ?? OutputNames, cancellationToken), cancellationToken);

    /// <summary>
    /// The allocation-free run: inputs and outputs by name. A null entry in <paramref name="outputs"/>
    /// receives a new value (owned by the caller); a non-null entry is a pre-allocated tensor the
    /// runtime writes into.
    /// </summary>
    /// <exception cref="ArgumentException">A name is unknown or the span lengths differ.</exception>
    /// <exception cref="OnnxRuntimeException">The runtime rejected an input or failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> stopped the run.</exception>
    public void Run(ReadOnlySpan<string> inputNames, ReadOnlySpan<OrtValue> inputs, ReadOnlySpan<string> outputNames, Span<OrtValue?> outputs, CancellationToken cancellationToken = default)
    {
        if (inputNames.Length != inputs.Length)
        {
            throw new ArgumentException($"{inputNames.Length} input names but {inputs.Length} input values.", nameof(inputs));
        }

        if (outputNames.Length != outputs.Length)
        {
            throw new ArgumentException($"{outputNames.Length} output names but {outputs.Length} output slots.", nameof(outputs));
        }

        int inCount = inputNames.Length, outCount = outputNames.Length;
        Span<IntPtr> pointers = inCount * 2 + outCount * 2 <= MaxStackNames
            ? stackalloc IntPtr[inCount * 2 + outCount * 2]
            : new IntPtr[inCount * 2 + outCount * 2];
        Span<IntPtr> inNames = pointers[..inCount];
        Span<IntPtr> inValues = pointers.Slice(inCount, inCount);
        Span<IntPtr> outNames = pointers.Slice(inCount * 2, outCount);
        Span<IntPtr> outValues = pointers.Slice(inCount * 2 + outCount, outCount);
        for (int i = 0; i < inCount; i++)
        {
            inNames[i] = _inputNames.Pointer(inputNames[i], "input");
            inValues[i] = (inputs[i] ?? throw new ArgumentException($"The value of input '{inputNames[i]}' is null.", nameof(inputs))).Handle;
        }

        for (int i = 0; i < outCount; i++)
        {
            outNames[i] = _outputNames.Pointer(outputNames[i], "output");
            outValues[i] = outputs[i]?.Handle ?? IntPtr.Zero;
        }

        bool added = false;
        _session.DangerousAddRef(ref added);
        try
        {
            using RunScope scope = RunScope.Begin(cancellationToken);
            fixed (IntPtr* inN = inNames, inV = inValues, outN = outNames, outV = outValues)
            {
                scope.ThrowIfFailed(OrtApi.Run(_session.DangerousGetHandle(), scope.RunOptions, inN, inV, (nuint)inCount, outN, (nuint)outCount, outV));
            }
        }
        finally
        {
            _session.DangerousRelease();
        }

        for (int i = 0; i < outCount; i++)
        {
            outputs[i] ??= OrtValue.FromNative(outValues[i]);
        }
    }

    /// <summary>Creates an I/O binding for this session, to reuse input and output buffers across runs.</summary>
    public IoBinding CreateIoBinding() => new(this);

    /// <summary>Runs the model on the values bound in <paramref name="binding"/>.</summary>
    /// <exception cref="OnnxRuntimeException">The runtime rejected a bound value or failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> stopped the run.</exception>
    public void Run(IoBinding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (!ReferenceEquals(binding.Session, this))
        {
            throw new ArgumentException("The binding belongs to another session.", nameof(binding));
        }

        bool added = false;
        _session.DangerousAddRef(ref added);
        try
        {
            using RunScope scope = RunScope.Begin(cancellationToken);
            scope.ThrowIfFailed(OrtApi.RunWithBinding(_session.DangerousGetHandle(), scope.RunOptions, binding.Handle));
        }
        finally
        {
            _session.DangerousRelease();
        }
    }

    /// <summary>Releases the native session.</summary>
    public void Dispose() => _session.Dispose();

    internal IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_session.IsClosed, this);
            return _session.DangerousGetHandle();
        }
    }

    /// <summary>Keeps the native session alive past <see cref="Dispose"/> until the matching <see cref="Release"/>.</summary>
    internal void AddRef()
    {
        bool added = false;
        _session.DangerousAddRef(ref added);
    }

    internal void Release() => _session.DangerousRelease();

    internal IntPtr InputNamePointer(string name) => _inputNames.Pointer(name, "input");

    internal IntPtr OutputNamePointer(string name) => _outputNames.Pointer(name, "output");

    private static void ThrowModelError(IntPtr status, string model)
    {
        if (status == IntPtr.Zero)
        {
            return;
        }

        OnnxRuntimeException error = OrtStatus.ToException(status);
        throw new OnnxRuntimeException(error.ErrorCode, $"Could not load the ONNX model '{model}': {error.NativeMessage}");
    }

    private static TensorMetadata[] ReadMetadata(IntPtr session, bool input)
    {
        nuint count;
        OrtStatus.ThrowIfFailed(input ? OrtApi.SessionGetInputCount(session, &count) : OrtApi.SessionGetOutputCount(session, &count));
        IntPtr allocator = OnnxRuntimeEnvironment.Instance.DefaultAllocator;
        var result = new TensorMetadata[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* rawName;
            OrtStatus.ThrowIfFailed(input ? OrtApi.SessionGetInputName(session, i, allocator, &rawName) : OrtApi.SessionGetOutputName(session, i, allocator, &rawName));
            string name = Utf8.ToString(rawName) ?? string.Empty;
            OrtStatus.ThrowIfFailed(OrtApi.AllocatorFree(allocator, rawName));

            IntPtr typeInfo;
            OrtStatus.ThrowIfFailed(input ? OrtApi.SessionGetInputTypeInfo(session, i, &typeInfo) : OrtApi.SessionGetOutputTypeInfo(session, i, &typeInfo));
            try
            {
                result[(int)i] = Describe(name, typeInfo);
            }
            finally
            {
                OrtApi.ReleaseTypeInfo(typeInfo);
            }
        }

        return result;
    }

    private static TensorMetadata Describe(string name, IntPtr typeInfo)
    {
        int onnxType;
        OrtStatus.ThrowIfFailed(OrtApi.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        if (onnxType != 1)
        {
            return new TensorMetadata(name, TensorElementType.Undefined, [], []);
        }

        IntPtr tensorInfo; // owned by typeInfo
        OrtStatus.ThrowIfFailed(OrtApi.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        long[] dims = TensorInfo.Dimensions(tensorInfo);
        return new TensorMetadata(name, TensorInfo.ElementType(tensorInfo), dims, TensorInfo.SymbolicDimensions(tensorInfo, dims.Length));
    }
}
