using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using VisPruner.Engine.Pruning;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;

namespace VisPruner.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>Execution settings reach the engine: the visual-token budget, the selector and the answer length.</summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class ExecutionSettingsTests(ScriptedModels models)
{
    private static readonly byte[] House = File.ReadAllBytes(ScriptedModels.HouseImage);

    private static ChatHistory Question()
    {
        var history = new ChatHistory();
        history.AddUserMessage([new ImageContent(House, "image/png"), new Microsoft.SemanticKernel.TextContent("What is this?")]);
        return history;
    }

    // The same request straight through the IChatClient with the connector's own property keys.
    private async Task<ModelRequest> DirectAsync(Kernel kernel, AdditionalPropertiesDictionary? properties)
    {
        (_, IReadOnlyList<ModelRequest> requests) = await ScriptedModels.RecordAsync(models.Random, model =>
            kernel.GetRequiredService<IChatClient>().GetResponseAsync(
                [new ChatMessage(ChatRole.User, [new DataContent(House, "image/png"), new Microsoft.Extensions.AI.TextContent("What is this?")])],
                new ChatOptions { MaxOutputTokens = 1, AdditionalProperties = properties }));
        return Assert.Single(requests);
    }

    private async Task<ModelRequest> ViaServiceAsync(Kernel kernel, PromptExecutionSettings settings)
    {
        (_, IReadOnlyList<ModelRequest> requests) = await ScriptedModels.RecordAsync(models.Random, model =>
            kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(Question(), settings));
        return Assert.Single(requests);
    }

    [Fact]
    public async Task Typed_settings_set_the_budget_the_selector_and_the_answer_length()
    {
        Kernel kernel = Kernel.CreateBuilder().AddVisPrunerChatCompletion(models.Random.Configure).Build();

        ModelRequest budget = await ViaServiceAsync(kernel, new VisPrunerPromptExecutionSettings { MaxTokens = 1, TokensPerImage = 16 });
        ModelRequest unpruned = await ViaServiceAsync(kernel, new VisPrunerPromptExecutionSettings { MaxTokens = 1, Selector = VisualTokenSelectorKind.None });
        ModelRequest defaults = await ViaServiceAsync(kernel, new VisPrunerPromptExecutionSettings { MaxTokens = 1 });
        ModelRequest longer = await ViaServiceAsync(kernel, new VisPrunerPromptExecutionSettings { MaxTokens = 3, Temperature = 0 });

        Assert.Equal((await DirectAsync(kernel, new() { [VisPrunerPropertyNames.TokensPerImage] = 16 })).VisualTokens, budget.VisualTokens);
        Assert.True(budget.VisualTokens < defaults.VisualTokens);
        Assert.Equal(unpruned.VisualTokensBeforePruning, unpruned.VisualTokens);
        Assert.Equal((await DirectAsync(kernel, null)).VisualTokens, defaults.VisualTokens);
        Assert.Equal(1, defaults.CompletionTokens);
        Assert.Equal((3, "length"), (longer.CompletionTokens, longer.FinishReason));
    }

    [Fact]
    public async Task Settings_of_a_prompt_configuration_apply_to_an_image_in_a_chat_prompt()
    {
        Kernel kernel = Kernel.CreateBuilder().AddVisPrunerChatCompletion(models.Random.Configure).Build();
        string prompt = $"""<message role="user"><image>data:image/png;base64,{Convert.ToBase64String(House)}</image><text>What is this?</text></message>""";
        var config = new PromptTemplateConfig(prompt);
        config.AddExecutionSettings(JsonSerializer.Deserialize<PromptExecutionSettings>("""{ "max_tokens": 2, "tokens_per_image": 16, "selector": "DivPrune" }""")!);

        (FunctionResult result, IReadOnlyList<ModelRequest> requests) = await ScriptedModels.RecordAsync(models.Random, _ =>
            kernel.InvokeAsync(kernel.CreateFunctionFromPrompt(config)));

        ModelRequest request = Assert.Single(requests);
        ModelRequest direct = await DirectAsync(kernel, new()
        {
            [VisPrunerPropertyNames.TokensPerImage] = 16,
            [VisPrunerPropertyNames.Selector] = "DivPrune",
        });
        Assert.Equal(direct.PromptTokens, request.PromptTokens);
        Assert.Equal(direct.VisualTokens, request.VisualTokens);
        Assert.Equal(2, request.CompletionTokens);
        Assert.Equal("length", result.GetValue<ChatMessageContent>()!.Metadata!["FinishReason"]);
    }
}
