using QuickStart;
using VisPruner.DemoModels;

namespace VisPruner.SemanticKernel.IntegrationTests.Snippets;

/// <summary>The READMEs' quick starts, run as written on the trained demo model, answer the README's first question right.</summary>
public sealed class QuickStartTests(TrainedModelFolder model) : IClassFixture<TrainedModelFolder>
{
    private const string Question = "What colour is the sneaker?";

    private static string Image => Path.Combine(AppContext.BaseDirectory, "images", "fashion-scene.png");

    [Fact]
    public async Task The_chat_client_quick_start_answers_from_the_image()
    {
        string answer = await ImageQuestion.AskAsync(model.Path, Image, Question);

        Assert.Contains("yellow", answer, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_engine_quick_start_answers_from_the_image()
    {
        string answer = await EngineImageQuestion.AskAsync(model.Path, Image, Question);

        Assert.Contains("yellow", answer, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_Semantic_Kernel_quick_start_answers_from_the_image()
    {
        string? answer = await KernelImageQuestion.AskAsync(model.Path, Image, Question);

        Assert.Contains("yellow", answer, StringComparison.OrdinalIgnoreCase);
    }
}
