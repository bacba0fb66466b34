using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

// Usage: VisPruner.TestHost ask <model folder> <telemetry: on|off>
// Loads the engine (the first native call of the process) and answers one short question.
if (args is not ["ask", string folder, "on" or "off"])
{
    Console.Error.WriteLine("usage: ask <model folder> <on|off>");
    return 2;
}

var options = new MultimodalEngineOptions { EnableOnnxRuntimeTelemetry = args[2] == "on" };
using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder, options);
GenerationResult result = await engine.CompleteAsync(new GenerationRequest([new ChatTurn(TurnRole.User, "Hi")], options: new GenerationOptions { MaxNewTokens = 2 }));
Console.WriteLine(result.Statistics.CompletionTokens);
return 0;
