using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using VisPruner.OnnxRuntime.Native;

namespace VisPruner.OnnxRuntime;

/// <summary>Forwards ONNX Runtime's logging callback to an <see cref="ILogger"/>.</summary>
internal static unsafe class OrtLogBridge
{
    private static volatile ILogger? s_logger;

    /// <summary>Where native messages go; the native environment is process-wide, and so is this.</summary>
    public static ILogger? Logger
    {
        get => s_logger;
        set => s_logger = value;
    }

    /// <summary>ORT severity for a minimum <see cref="LogLevel"/> (ORT: 0 verbose .. 4 fatal).</summary>
    public static int ToOrtSeverity(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => 0,
        LogLevel.Information => 1,
        LogLevel.Warning => 2,
        LogLevel.Error => 3,
        _ => 4,
    };

    /// <summary>The callback address to hand to <c>CreateEnvWithCustomLogger</c>.</summary>
    public static IntPtr Callback => (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, int, byte*, byte*, byte*, byte*, void>)&Log;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Log(IntPtr param, int severity, byte* category, byte* logId, byte* codeLocation, byte* message)
    {
        // Never let an exception unwind into native code.
        try
        {
            if (s_logger is not { } logger)
            {
                return;
            }

            LogLevel level = severity switch
            {
                0 => LogLevel.Debug,
                1 => LogLevel.Information,
                2 => LogLevel.Warning,
                3 => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            if (logger.IsEnabled(level))
            {
#pragma warning disable CA1848, CA2254 // Native messages arrive preformatted; there is no template to cache.
                logger.Log(level, "[{Category}] {Message} ({CodeLocation})", Utf8.ToString(category), Utf8.ToString(message), Utf8.ToString(codeLocation));
#pragma warning restore CA1848, CA2254
            }
        }
        catch (Exception)
        {
            // Logging must not take the process down.
        }
    }
}
