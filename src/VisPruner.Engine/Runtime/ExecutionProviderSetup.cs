using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using GenAiConfigHandle = Microsoft.ML.OnnxRuntimeGenAI.Config;

namespace VisPruner.Engine.Runtime;

/// <summary>
/// Passes the engine's execution provider to both native runtimes: ONNX Runtime GenAI (decoder and embedding, through its
/// <c>Config</c>) and ONNX Runtime (the vision encoder session), so the whole pipeline runs on one device.
/// </summary>
internal static class ExecutionProviderSetup
{
    /// <summary>Gets the ONNX Runtime GenAI provider name and options for <paramref name="options"/>; null for the CPU.</summary>
    public static (string Name, IReadOnlyDictionary<string, string> Options)? GenAiProvider(MultimodalEngineOptions options) => options.ExecutionProvider switch
    {
        ExecutionProvider.Cpu => null,
        ExecutionProvider.Cuda => ("cuda", new Dictionary<string, string> { ["device_id"] = DeviceId(options) }),
        ExecutionProvider.DirectML => ("dml", new Dictionary<string, string> { ["device_id"] = DeviceId(options) }),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.ExecutionProvider, "Unknown execution provider."),
    };

    /// <summary>Replaces the folder's providers with the engine's (the options win over <c>genai_config.json</c>).</summary>
    public static void Apply(GenAiConfigHandle config, MultimodalEngineOptions options)
    {
        config.ClearProviders();
        if (GenAiProvider(options) is not var (name, providerOptions))
        {
            return;
        }

        config.AppendProvider(name);
        foreach ((string key, string value) in providerOptions)
        {
            config.SetProviderOption(name, key, value);
        }
    }

    /// <summary>Creates the vision session's options: the same provider and thread count as the decoder.</summary>
    /// <exception cref="NotSupportedException">The loaded ONNX Runtime build lacks the provider.</exception>
    public static SessionOptions CreateSessionOptions(MultimodalEngineOptions options)
    {
        var session = new SessionOptions { IntraOpNumThreads = options.IntraOpThreads };
        try
        {
            switch (options.ExecutionProvider)
            {
                case ExecutionProvider.Cuda:
                    session.AppendExecutionProvider_CUDA(options.DeviceId);
                    break;
                case ExecutionProvider.DirectML:
                    session.AppendExecutionProvider_DML(options.DeviceId);
                    break;
            }

            return session;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            session.Dispose();
            throw Unavailable(options.ExecutionProvider, ex);
        }
    }

    /// <summary>The error for a provider the native build lacks, naming the package that brings it.</summary>
    public static NotSupportedException Unavailable(ExecutionProvider provider, Exception cause) => new(
        $"The {provider} execution provider is not available in the loaded ONNX Runtime build. Reference the native package " +
        $"that brings it ({PackageFor(provider)}) instead of the CPU package Microsoft.ML.OnnxRuntimeGenAI, or set " +
        $"MultimodalEngineOptions.ExecutionProvider to Cpu. ({cause.Message})",
        cause);

    /// <summary>Gets the native NuGet package that provides <paramref name="provider"/>.</summary>
    public static string PackageFor(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cuda => "Microsoft.ML.OnnxRuntimeGenAI.Cuda",
        ExecutionProvider.DirectML => "Microsoft.ML.OnnxRuntimeGenAI.DirectML",
        _ => "Microsoft.ML.OnnxRuntimeGenAI",
    };

    private static string DeviceId(MultimodalEngineOptions options) => options.DeviceId.ToString(CultureInfo.InvariantCulture);
}
