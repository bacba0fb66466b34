using System.Runtime.InteropServices;

namespace VisPruner.OnnxRuntime.Native;

/// <summary>
/// Finds and loads ONNX Runtime's native library, in this order: the explicit path in
/// <see cref="OnnxRuntimeEnvironmentOptions.NativeLibraryPath"/>, the <see cref="EnvironmentVariable"/>
/// variable, the runtime's normal probing (which finds the library of the Microsoft.ML.OnnxRuntime(.Gpu)
/// NuGet packages, the app folder and the system search path), the copy this project places in the
/// output's <c>runtimes/&lt;rid&gt;/native</c> folder, and finally the build's fetched npm copy.
/// </summary>
internal static class NativeLibraryLocator
{
    /// <summary>The environment variable naming the native library file.</summary>
    public const string EnvironmentVariable = "VISPRUNER_ORT_PATH";

    private const string LibraryName = "onnxruntime";
    private const string NpmPackageName = "onnxruntime-node";
    private const string NpmPackageVersion = "1.30.0";

    /// <summary>A loaded library and where it came from.</summary>
    public readonly record struct LoadedLibrary(IntPtr Handle, string Source);

    /// <summary>Loads the library following the documented order.</summary>
    /// <exception cref="DllNotFoundException">Nothing loadable was found; the message says what to install.</exception>
    public static LoadedLibrary Load(string? explicitPath) =>
        Load(explicitPath, Environment.GetEnvironmentVariable(EnvironmentVariable), probeDefaults: true, FallbackCandidates());

    /// <summary>The search with every input explicit, so each step can be exercised on its own.</summary>
    public static LoadedLibrary Load(string? explicitPath, string? environmentPath, bool probeDefaults, IEnumerable<string> fallbacks)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return LoadFile(explicitPath, $"{nameof(OnnxRuntimeEnvironmentOptions)}.{nameof(OnnxRuntimeEnvironmentOptions.NativeLibraryPath)}");
        }

        if (!string.IsNullOrEmpty(environmentPath))
        {
            return LoadFile(environmentPath, $"the {EnvironmentVariable} environment variable");
        }

        if (probeDefaults && NativeLibrary.TryLoad(LibraryName, typeof(NativeLibraryLocator).Assembly, searchPath: null, out IntPtr probed))
        {
            return new LoadedLibrary(probed, "default probing");
        }

        var tried = new List<string>();
        foreach (string candidate in fallbacks)
        {
            tried.Add(candidate);
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out IntPtr handle))
            {
                return new LoadedLibrary(handle, candidate);
            }
        }

        throw new DllNotFoundException(
            "ONNX Runtime's native library was not found. Do one of: " +
            "reference the NuGet package Microsoft.ML.OnnxRuntime (CPU) or Microsoft.ML.OnnxRuntime.Gpu (CUDA) in your app; " +
            $"or set {nameof(OnnxRuntimeEnvironmentOptions)}.{nameof(OnnxRuntimeEnvironmentOptions.NativeLibraryPath)} or the {EnvironmentVariable} environment variable to the library file " +
            $"({PlatformFileName()}); or, for development, run `npm pack {NpmPackageName}@{NpmPackageVersion}` and use bin/napi-v6/{NpmPlatformFolder()}/ from the extracted package. " +
            $"Also searched: {(tried.Count == 0 ? "(no fallback locations)" : string.Join(", ", tried))}.");
    }

    private static LoadedLibrary LoadFile(string path, string source)
    {
        if (!File.Exists(path))
        {
            throw new DllNotFoundException($"ONNX Runtime's native library '{path}' (set by {source}) does not exist.");
        }

        try
        {
            return new LoadedLibrary(NativeLibrary.Load(path), path);
        }
        catch (BadImageFormatException e)
        {
            throw new DllNotFoundException($"'{path}' (set by {source}) is not a native library for this platform ({RuntimeInformation.RuntimeIdentifier}).", e);
        }
    }

    private static IEnumerable<string> FallbackCandidates()
    {
        string file = PlatformFileName();
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", file);
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", PortableRid(), "native", file);
    }

    private static string PlatformFileName() =>
        OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so";


    private static string Architecture() => RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "x64";

    private static string PortableRid() =>
        (OperatingSystem.IsWindows() ? "win-" : OperatingSystem.IsMacOS() ? "osx-" : "linux-") + Architecture();

    private static string NpmPlatformFolder() =>
        (OperatingSystem.IsWindows() ? "win32/" : OperatingSystem.IsMacOS() ? "darwin/" : "linux/") + Architecture();
}
