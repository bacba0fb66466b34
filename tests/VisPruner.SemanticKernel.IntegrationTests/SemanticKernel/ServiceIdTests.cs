using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;
using VisPruner.SemanticKernel.IntegrationTests.Snippets;

namespace VisPruner.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>Several models in one kernel, chosen by service id.</summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class ServiceIdTests(ScriptedModels models)
{
    [Fact]
    public async Task The_README_service_id_example_resolves_each_model_by_id_and_prompts_run_on_the_one_the_settings_name()
    {
        ScriptedModel fast = models.RandomCopy("fast-model");

        (string vision, string quick) = await SemanticKernelSnippets.ServiceIdsAsync(models.Random.Folder, fast.Folder);

        Assert.Equal("random", vision);
        Assert.Equal("fast-model", quick);
    }

    [Fact]
    public async Task Keyed_services_run_on_separate_engines()
    {
        ScriptedModel second = models.RandomCopy("second-model");
        Kernel kernel = Kernel.CreateBuilder()
            .AddVisPrunerChatCompletion(models.Random.Folder, serviceId: "first")
            .AddVisPrunerChatCompletion(second.Configure, serviceId: "second")
            .Build();

        var first = (VisPrunerChatCompletionService)kernel.GetRequiredService<IChatCompletionService>("first");
        var other = (VisPrunerChatCompletionService)kernel.GetRequiredService<IChatCompletionService>("second");

        Assert.NotSame(first.Client.Engine, other.Client.Engine);
        Assert.Equal("second-model", other.Client.ModelId);
        ChatMessageContent answer = await other.GetChatMessageContentAsync("Hi", new VisPrunerPromptExecutionSettings { MaxTokens = 1 });
        Assert.Equal("second-model", answer.ModelId);
    }
}
