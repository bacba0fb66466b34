using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.AI;
using VisPruner.Cli.Models;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Extensions.AI;
using VisPruner.Imaging;

namespace VisPruner.Cli.Chat;

/// <summary>Loads the model, streams the answer to standard output, then prints the request's statistics to standard error.</summary>
internal static class ChatRun
{
    public static Task<int> RunAsync(string? modelFolder, string? demo, ImageQuestion question, string? explainPath, CancellationToken cancellationToken) =>
        CommandErrors.ReportAsync(() => AskAsync(ModelChoice.From(modelFolder, demo), question, explainPath, cancellationToken));

    private static async Task<int> AskAsync(ModelChoice choice, ImageQuestion question, string? explainPath, CancellationToken cancellationToken)
    {
        var load = Stopwatch.StartNew();
        string modelFolder = choice.ModelFolder ?? BuiltInFolder(choice.Demo);
        Console.Error.Write($"Loading {modelFolder} ... ");
        var clientOptions = new VisPrunerChatClientOptions { ModelFolder = modelFolder };
        foreach (string folder in question.ImageFolders)
        {
            clientOptions.AllowedImageFolders.Add(folder);
        }

        using VisPrunerChatClient client = await VisPrunerChatClient.LoadAsync(clientOptions, cancellationToken: cancellationToken);
        Console.Error.WriteLine($"{client.Engine.ModelType}, {load.Elapsed.TotalSeconds:F1} s");

        var answer = new StringBuilder();
        GenerationUpdate? last = null;
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(question.Messages, question.Options, cancellationToken))
        {
            Console.Write(update.Text);
            answer.Append(update.Text);
            last = update.RawRepresentation as GenerationUpdate ?? last;
        }

        Console.WriteLine();
        if (last is { IsFinal: true })
        {
            StatisticsReport.Write(Console.Error, new GenerationResult(answer.ToString(), last.FinishReason!.Value, last.Statistics!));
        }

        if (explainPath is not null)
        {
            await KeptTokensOverlay.WriteAsync(client, question.ImagePaths[0], question.Options, explainPath, cancellationToken);
        }

        return 0;
    }

    /// <summary>Says which built-in model runs and what its answers are worth, then returns its folder.</summary>
    private static string BuiltInFolder(BuiltInModel? chosen)
    {
        BuiltInModel demo = chosen ?? BuiltInModel.Default;
        Console.Error.WriteLine($"{(chosen is null ? "No --model given: using the" : "Using the")} built-in {demo.Family} demo model, {demo.Description}.");
        Console.Error.WriteLine(demo.RandomWeights
            ? $"  Its weights are random: the answer is not meaningful, the visual-token figures are. Pass --model <folder> for a real {demo.Family} ONNX folder."
            : "  It answers the scene questions of training/README.md; pass --model <folder> for a real ONNX folder (phi3v, phi4mm or gemma3).");
        return demo.GetOrCreateFolder();
    }
}
