using VisPruner.Engine.Generation;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;
using VisPruner.SemanticKernel.IntegrationTests.Snippets;

namespace VisPruner.SemanticKernel.IntegrationTests.Engine;

/// <summary>The engine used directly, without a connector, as the root README shows it.</summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class EngineSnippetTests(ScriptedModels models)
{
    [Fact]
    public async Task The_README_engine_example_streams_a_seeded_answer_with_64_content_tokens_kept()
    {
        (string text, GenerationStatistics statistics) = await EngineSnippets.EngineAsync(models.Random.Folder, ScriptedModels.HouseImage, CancellationToken.None);
        (string again, _) = await EngineSnippets.EngineAsync(models.Random.Folder, ScriptedModels.HouseImage, CancellationToken.None);

        Assert.NotEmpty(text);
        Assert.Equal(text, again); // sampled at temperature 0.7, reproducible through the seed
        Assert.True(statistics.CompletionTokens > 0);
        Assert.Equal(757, statistics.VisualTokensBeforePruning);
        // 64 content tokens plus separators: at most one per kept row (24 sub-crop rows and 12 global-view rows) and the global one.
        Assert.InRange(statistics.VisualTokens, 65, 64 + 24 + 12 + 1);
    }
}
