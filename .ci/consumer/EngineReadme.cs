using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

/// <summary>The VisPruner.Engine package README's example.</summary>
internal static class EngineReadme
{
    public static async Task<string> AskAsync(string modelFolder, string imagePath, string question)
    {
        #region engine-package
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(modelFolder);

        GenerationResult result = await engine.CompleteAsync(new GenerationRequest(
            [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart(question)])],
            [ImageInput.FromFile(imagePath)],
            new GenerationOptions { MaxNewTokens = 64 }));
        GenerationStatistics statistics = result.Statistics;
        Console.WriteLine($"{result.Text} ({statistics.VisualTokens} of {statistics.VisualTokensBeforePruning} visual tokens kept)");
        #endregion
        return result.Text;
    }
}
