using System.Text;
using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;

namespace VisPruner.SemanticKernel.IntegrationTests.Snippets;

/// <summary>
/// The engine code the root README shows (ReadmeTests checks that it quotes it unchanged), run by a test on a real engine.
/// </summary>
public static class EngineSnippets
{
    public static async Task<(string Text, GenerationStatistics Statistics)> EngineAsync(string modelFolder, string imagePath, CancellationToken cancellationToken)
    {
        #region engine
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(modelFolder,
            new MultimodalEngineOptions { Pruning = new VisualTokenPruningOptions { TokensPerImage = 64 } }, cancellationToken: cancellationToken);

        var request = new GenerationRequest(
            [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is in this picture?")])],
            [ImageInput.FromFile(imagePath)],
            new GenerationOptions { MaxNewTokens = 256, Temperature = 0.7, Seed = 42 });

        var answer = new StringBuilder();
        GenerationStatistics? statistics = null;
        await foreach (GenerationUpdate update in engine.GenerateAsync(request, cancellationToken))
        {
            Console.Write(update.Text);
            answer.Append(update.Text);
            statistics = update.Statistics; // set on the last update, with the finish reason
        }

        Console.WriteLine($"\n{statistics!.VisualTokens} of {statistics.VisualTokensBeforePruning} visual tokens kept");
        #endregion
        return (answer.ToString(), statistics);
    }
}
