namespace VisPruner.OnnxRuntime.Native;

/// <summary>Builds a native <c>OrtSessionOptions</c> from <see cref="InferenceSessionOptions"/>.</summary>
internal static unsafe class NativeSessionOptions
{
    private const string ExternalDataFolderKey = "session.model_external_initializers_file_folder_path";
    private const string CudaProviderName = "CUDAExecutionProvider";

    public static OrtHandle Create(OnnxRuntimeEnvironment env, InferenceSessionOptions options)
    {
        IntPtr raw;
        OrtStatus.ThrowIfFailed(OrtApi.CreateSessionOptions(&raw));
        var handle = new OrtHandle(raw, OrtApi.ReleaseSessionOptions);
        try
        {
            OrtStatus.ThrowIfFailed(OrtApi.SetSessionGraphOptimizationLevel(raw, (int)options.OptimizationLevel));
            OrtStatus.ThrowIfFailed(OrtApi.SetSessionExecutionMode(raw, options.ParallelExecution ? 1 : 0));
            if (options.IntraOpThreads > 0)
            {
                OrtStatus.ThrowIfFailed(OrtApi.SetIntraOpNumThreads(raw, options.IntraOpThreads));
            }

            if (options.InterOpThreads > 0)
            {
                OrtStatus.ThrowIfFailed(OrtApi.SetInterOpNumThreads(raw, options.InterOpThreads));
            }

            if (options.LogLevel is { } level)
            {
                OrtStatus.ThrowIfFailed(OrtApi.SetSessionLogSeverityLevel(raw, OrtLogBridge.ToOrtSeverity(level)));
            }

            foreach ((string key, string value) in options.ConfigEntries)
            {
                AddConfigEntry(raw, key, value);
            }

            if (options.ExternalDataFolder is { } folder)
            {
                if (!Directory.Exists(folder))
                {
                    throw new DirectoryNotFoundException($"The external data folder '{folder}' does not exist.");
                }

                AddConfigEntry(raw, ExternalDataFolderKey, Path.GetFullPath(folder));
            }

            if (options.Cuda is { } cuda)
            {
                AppendCuda(env, raw, cuda);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void AddConfigEntry(IntPtr options, string key, string value)
    {
        fixed (byte* k = Utf8.ToNullTerminated(key))
        fixed (byte* v = Utf8.ToNullTerminated(value))
        {
            OrtStatus.ThrowIfFailed(OrtApi.AddSessionConfigEntry(options, k, v));
        }
    }

    private static void AppendCuda(OnnxRuntimeEnvironment env, IntPtr options, CudaExecutionProviderOptions cuda)
    {
        if (!env.AvailableProviders.Contains(CudaProviderName))
        {
            throw CudaUnavailable(env, $"it was built without it (available: {string.Join(", ", env.AvailableProviders)})", null);
        }

        IntPtr providerOptions;
        IntPtr status = OrtApi.CreateCudaProviderOptions(&providerOptions);
        if (status != IntPtr.Zero)
        {
            OnnxRuntimeException cause = OrtStatus.ToException(status);
            throw CudaUnavailable(env, cause.NativeMessage, cause);
        }

        using var owner = new OrtHandle(providerOptions, OrtApi.ReleaseCudaProviderOptions);
        var settings = new Dictionary<string, string>(cuda.Settings, StringComparer.Ordinal)
        {
            ["device_id"] = cuda.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        IntPtr[] keys = settings.Keys.Select(k => (IntPtr)Utf8.Allocate(k)).ToArray();
        IntPtr[] values = settings.Values.Select(v => (IntPtr)Utf8.Allocate(v)).ToArray();
        try
        {
            var keyPointers = stackalloc byte*[keys.Length];
            var valuePointers = stackalloc byte*[values.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                keyPointers[i] = (byte*)keys[i];
                valuePointers[i] = (byte*)values[i];
            }

            status = OrtApi.UpdateCudaProviderOptions(providerOptions, keyPointers, valuePointers, (nuint)keys.Length);
            if (status != IntPtr.Zero)
            {
                // Invalid settings are the caller's mistake; anything else means the provider library could not load.
                OnnxRuntimeException cause = OrtStatus.ToException(status);
                throw cause.ErrorCode == OrtErrorCode.InvalidArgument ? cause : CudaUnavailable(env, cause.NativeMessage, cause);
            }
        }
        finally
        {
            foreach (IntPtr p in keys.Concat(values))
            {
                Utf8.Free((byte*)p);
            }
        }

        status = OrtApi.SessionOptionsAppendExecutionProviderCudaV2(options, providerOptions);
        if (status != IntPtr.Zero)
        {
            OnnxRuntimeException cause = OrtStatus.ToException(status);
            throw CudaUnavailable(env, cause.NativeMessage, cause);
        }
    }

    private static NotSupportedException CudaUnavailable(OnnxRuntimeEnvironment env, string reason, Exception? cause) =>
        new($"The CUDA execution provider cannot be used with the ONNX Runtime library in use ({env.Version}, from {env.LibrarySource}): {reason}. " +
            "Reference the NuGet package Microsoft.ML.OnnxRuntime.Gpu (or point VISPRUNER_ORT_PATH at its library) and install the CUDA and cuDNN " +
            "runtimes it requires, or remove the CUDA options to run on the CPU.", cause);
}
