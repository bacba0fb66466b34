using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace VisPruner.Engine.Runtime;

/// <summary>
/// Switches off the usage telemetry of ONNX Runtime and ONNX Runtime GenAI (which otherwise write files under
/// <c>~/.cache/Microsoft/DeveloperTools/</c>) unless the application opts in. The native libraries read
/// <c>ORT_DISABLE_TELEMETRY</c> once, when they initialise; .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// does not reach the native environment on Linux and macOS, so the variable is set with the C library's <c>setenv</c>,
/// before the first native call of the process.
/// </summary>
internal static partial class NativeTelemetry
{
    private const string Variable = "ORT_DISABLE_TELEMETRY";
    private static readonly Lock Gate = new();
    private static bool _configured;

    /// <summary>Applies the application's choice; the first engine loaded in a process decides for the whole process.</summary>
    public static void Configure(bool enabled)
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }

            _configured = true;
            if (enabled)
            {
                return;
            }

            if (OperatingSystem.IsWindows())
            {
                Environment.SetEnvironmentVariable(Variable, "1");
            }
            else
            {
                _ = SetEnv(Variable, "1", 1);
            }

            OrtEnv.Instance().DisableTelemetryEvents();
            Microsoft.ML.OnnxRuntimeGenAI.Utils.DisableTelemetryEvents();
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
