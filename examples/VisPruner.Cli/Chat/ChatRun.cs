using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.AI;
using VisPruner.DemoModels;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Extensions.AI;
using VisPruner.Imaging;

namespace VisPruner.Cli.Chat;

/// <summary>Loads the model, streams the answer to standard output, then prints the request's statistics to standard error.</summary>
internal static class ChatRun
{
    public static Task<int> RunAsync(string? modelFolder, ImageQuestion question, string? explainPath, CancellationToken cancellationToken) =>
        CommandErrors.ReportAsync(() => AskAsync(modelFolder, question, explainPath, cancellationToken));

    private static async Task<int> AskAsync(string? modelFolder, ImageQuestion question, string? explainPath, CancellationToken cancellationToken)
    {
        var load = Stopwatch.StartNew();
        if (modelFolder is null)
        {
            Console.Error.WriteLine("No --model given: using the built-in demo model, trained on Fashion-MNIST scenes.");
            Console.Error.WriteLine("  It answers the scene questions of training/README.md; pass --model <folder> for a real Phi-3.5-vision ONNX folder.");
            modelFolder = TrainedDemoModel.GetOrCreateFolder();
        }

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
}
