using Microsoft.Extensions.Logging;

namespace VisPruner.OnnxRuntime;

/// <summary>Process-wide settings for ONNX Runtime, applied once by <see cref="OnnxRuntimeEnvironment.Configure"/>.</summary>
public sealed class OnnxRuntimeEnvironmentOptions
{
    /// <summary>
    /// Full path of the native library (<c>libonnxruntime.so</c>, <c>onnxruntime.dll</c>, <c>libonnxruntime.dylib</c>).
    /// When null, the <c>VISPRUNER_ORT_PATH</c> environment variable, the normal native probing and the
    /// build's fetched copy are tried in that order.
    /// </summary>
    public string? NativeLibraryPath { get; set; }

    /// <summary>Receives ONNX Runtime's own log messages (category <c>VisPruner.OnnxRuntime</c>). Null discards them.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The least severe native message forwarded to the logger. Defaults to <see cref="LogLevel.Warning"/>.</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Warning;
}
