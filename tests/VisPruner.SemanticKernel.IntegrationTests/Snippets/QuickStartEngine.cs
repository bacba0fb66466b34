#region quick-start-engine
using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

namespace QuickStart;

public static class EngineImageQuestion
{
    public static async Task<string> AskAsync(string modelFolder, string imagePath, string question)
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(modelFolder);

        GenerationResult result = await engine.CompleteAsync(new GenerationRequest(
            [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart(question)])],
            [ImageInput.FromFile(imagePath)],
            new GenerationOptions { MaxNewTokens = 64 }));
        GenerationStatistics statistics = result.Statistics;
        Console.WriteLine($"{statistics.VisualTokens} of {statistics.VisualTokensBeforePruning} visual tokens kept");
        return result.Text;
    }
}
#endregion
