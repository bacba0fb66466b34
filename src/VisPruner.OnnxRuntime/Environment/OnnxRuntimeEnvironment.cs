using System.Runtime.InteropServices;
using VisPruner.OnnxRuntime.Native;

namespace VisPruner.OnnxRuntime;

/// <summary>
/// The process-wide ONNX Runtime environment: the loaded native library, its API table and the
/// <c>OrtEnv</c> every session belongs to. Created on first use, or explicitly by <see cref="Configure"/>.
/// </summary>
/// <remarks>Thread-safe. The environment lives until the process exits, as ONNX Runtime expects.</remarks>
public sealed unsafe class OnnxRuntimeEnvironment
{
    private static readonly Lock Gate = new();
    private static OnnxRuntimeEnvironment? s_instance;

    private readonly IntPtr _env;
    private readonly IntPtr _cpuMemoryInfo;
    private readonly IntPtr _defaultAllocator;

    private OnnxRuntimeEnvironment(OnnxRuntimeEnvironmentOptions options)
    {
        NativeLibraryLocator.LoadedLibrary library = NativeLibraryLocator.Load(options.NativeLibraryPath);
        LibrarySource = library.Source;

        if (!NativeLibrary.TryGetExport(library.Handle, "OrtGetApiBase", out IntPtr getApiBaseAddress))
        {
            throw new DllNotFoundException($"'{library.Source}' is not ONNX Runtime: it does not export OrtGetApiBase.");
        }

        var apiBase = (IntPtr*)((delegate* unmanaged<IntPtr>)getApiBaseAddress)();
        var getApi = (delegate* unmanaged<uint, IntPtr>)apiBase[0];
        var getVersionString = (delegate* unmanaged<byte*>)apiBase[1];
        Version = Utf8.ToString(getVersionString()) ?? "unknown";

        IntPtr table = getApi(OrtApi.Version);
        if (table == IntPtr.Zero)
        {
            throw new NotSupportedException(
                $"ONNX Runtime {Version} at '{library.Source}' does not provide C API version {OrtApi.Version}; install ONNX Runtime 1.11 or newer.");
        }

        OrtApi.Bind(table);

        OrtLogBridge.Logger = options.LoggerFactory?.CreateLogger("VisPruner.OnnxRuntime");
        IntPtr env;
        fixed (byte* logId = "VisPruner"u8)
        {
            OrtStatus.ThrowIfFailed(OrtApi.CreateEnvWithCustomLogger(OrtLogBridge.Callback, IntPtr.Zero, OrtLogBridge.ToOrtSeverity(options.MinimumLogLevel), logId, &env));
        }

        _env = env;
        IntPtr memoryInfo, allocator;
        OrtStatus.ThrowIfFailed(OrtApi.CreateCpuMemoryInfo(0 /* device allocator */, 0 /* default mem type */, &memoryInfo));
        OrtStatus.ThrowIfFailed(OrtApi.GetAllocatorWithDefaultOptions(&allocator));
        _cpuMemoryInfo = memoryInfo;
        _defaultAllocator = allocator;
        AvailableProviders = ReadAvailableProviders();
    }

    /// <summary>The environment, created with default options on first use.</summary>
    /// <exception cref="DllNotFoundException">The native library was not found; the message says what to install.</exception>
    public static OnnxRuntimeEnvironment Instance => Volatile.Read(ref s_instance) ?? CreateDefault();

    /// <summary>Creates the environment with <paramref name="options"/>. Call once, before any session is created.</summary>
    /// <exception cref="InvalidOperationException">The environment already exists.</exception>
    public static OnnxRuntimeEnvironment Configure(OnnxRuntimeEnvironmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (Gate)
        {
            if (s_instance is not null)
            {
                throw new InvalidOperationException("The ONNX Runtime environment already exists; configure it before the first session is created.");
            }

            return s_instance = new OnnxRuntimeEnvironment(options);
        }
    }

    private static OnnxRuntimeEnvironment CreateDefault()
    {
        lock (Gate)
        {
            return s_instance ??= new OnnxRuntimeEnvironment(new OnnxRuntimeEnvironmentOptions());
        }
    }

    /// <summary>The native library's version string, e.g. <c>1.30.0</c>.</summary>
    public string Version { get; }

    /// <summary>Where the native library was loaded from (a path, or "default probing").</summary>
    public string LibrarySource { get; }

    /// <summary>Execution providers compiled into the loaded library, e.g. <c>CPUExecutionProvider</c>.</summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    internal IntPtr Handle => _env;

    internal IntPtr CpuMemoryInfo => _cpuMemoryInfo;

    internal IntPtr DefaultAllocator => _defaultAllocator;

    private static string[] ReadAvailableProviders()
    {
        byte** names;
        int count;
        OrtStatus.ThrowIfFailed(OrtApi.GetAvailableProviders(&names, &count));
        try
        {
            var result = new string[count];
            for (int i = 0; i < count; i++)
            {
                result[i] = Utf8.ToString(names[i]) ?? string.Empty;
            }

            return result;
        }
        finally
        {
            OrtStatus.ThrowIfFailed(OrtApi.ReleaseAvailableProviders(names, count));
        }
    }
}
