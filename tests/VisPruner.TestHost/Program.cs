using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

// A separate process for tests whose subject is process-wide.
//   ask <model folder> <on|off>   loads the engine (the first native call of the process) with ONNX Runtime telemetry on
//                                 or off and answers one short question; prints the completion tokens and the value of
//                                 ORT_DISABLE_TELEMETRY in the native environment the ONNX Runtime libraries read ("-" when unset).
//   peak <model folder> <image>   loads the engine, then answers one question about the image; prints the resident memory
//                                 before the request and the peak during it, in bytes (Linux).
switch (args)
{
    case ["ask", string folder, "on" or "off"]:
    {
        var options = new MultimodalEngineOptions { EnableOnnxRuntimeTelemetry = args[2] == "on" };
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder, options);
        GenerationResult result = await engine.CompleteAsync(new GenerationRequest([new ChatTurn(TurnRole.User, "Hi")], options: new GenerationOptions { MaxNewTokens = 2 }));
        nint disabled = NativeGetEnv("ORT_DISABLE_TELEMETRY");
        Console.WriteLine($"{result.Statistics.CompletionTokens} {(disabled == 0 ? "-" : System.Runtime.InteropServices.Marshal.PtrToStringUTF8(disabled))}");
        return 0;
    }

    case ["peak", string folder, string image]:
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder);
        GC.Collect();
        long before = ResidentBytes("VmRSS");
        File.WriteAllText("/proc/self/clear_refs", "5"); // resets the peak resident size to the current one
        GenerationResult result = await engine.CompleteAsync(new GenerationRequest(
            [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is in this picture?")])], [ImageInput.FromFile(image)], new GenerationOptions { MaxNewTokens = 2 }));
        Console.WriteLine($"{before} {ResidentBytes("VmHWM")} {result.Statistics.VisualTokensBeforePruning}");
        return 0;
    }

    default:
        Console.Error.WriteLine("usage: ask <model folder> <on|off> | peak <model folder> <image>");
        return 2;
}

static long ResidentBytes(string field) =>
    long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;

// The C library's getenv: what native code sees, which .NET's Environment does not reflect on Linux.
[System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getenv")]
static extern nint NativeGetEnv([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string name);
