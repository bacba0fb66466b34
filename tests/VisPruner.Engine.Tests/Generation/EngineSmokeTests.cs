using VisPruner.Engine.Generation;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Engine.Tests.Generation;

public sealed class EngineSmokeTests(TinyModelFixture models) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task A_question_about_an_image_streams_an_answer()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        var request = new GenerationRequest(
            [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is in the picture?")])],
            [ImageInput.FromBytes(TestImages.Bmp(500, 300))],
            new GenerationOptions { MaxNewTokens = 12, MinNewTokens = 12 });

        GenerationResult result = await engine.CompleteAsync(request);

        int expectedVisual = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 4 }).GetLayout(500, 300).NumImageTokens;
        Assert.Equal(757, expectedVisual); // scaled to 672 x 403, padded to a 2 x 2 crop grid
        Assert.Equal(expectedVisual, result.Statistics.VisualTokensBeforePruning);
        Assert.InRange(result.Statistics.VisualTokens, 1, expectedVisual / 3); // the default keeps a quarter of the content tokens
        Assert.True(result.Statistics.PromptTokens > result.Statistics.VisualTokens);
        Assert.Equal(12, result.Statistics.CompletionTokens);
        Assert.Equal(FinishReason.Length, result.FinishReason);
    }
}
