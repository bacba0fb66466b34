using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;
using VisPruner.Engine;
using VisPruner.Extensions.AI;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;

namespace VisPruner.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>The one call that registers a model for both Semantic Kernel and Microsoft.Extensions.AI.</summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class RegistrationTests(ScriptedModels models)
{
    [Fact]
    public async Task AddVisPrunerChat_registers_one_client_as_IChatClient_and_IChatCompletionService_over_a_singleton_engine()
    {
        var services = new ServiceCollection();
        services.AddVisPrunerChat(models.Random.Configure);
        await using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        IChatClient chat = provider.GetRequiredService<IChatClient>();
        VisPrunerChatClient client = provider.GetRequiredService<VisPrunerChatClient>();
        IChatCompletionService completions = provider.GetRequiredService<IChatCompletionService>();

        Assert.Same(client, chat);
        Assert.Same(client.Engine, provider.GetRequiredService<MultimodalEngine>());
        Assert.Same(client, Assert.IsType<VisPrunerChatCompletionService>(completions).Client);
        Assert.Same(completions, provider.GetRequiredService<VisPrunerChatCompletionService>());
        Assert.Equal("random", completions.GetModelId());
        Assert.Equal(new Uri(Path.GetFullPath(models.Random.Folder) + Path.DirectorySeparatorChar).ToString(), completions.GetEndpoint());
        ChatMessageContent reply = await completions.GetChatMessageContentAsync("Hi", new VisPrunerPromptExecutionSettings { MaxTokens = 1 });
        Assert.Equal("random", reply.ModelId);
    }

    [Fact]
    public async Task Keyed_registrations_add_a_chat_completion_service_per_service_id()
    {
        ScriptedModel fast = models.RandomCopy("fast");
        var services = new ServiceCollection();
        services.AddKeyedVisPrunerChat("vision", models.Random.Configure).UseFunctionInvocation();
        services.AddKeyedVisPrunerChat("fast", fast.Configure);
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Null(provider.GetService<IChatClient>());
        Assert.Null(provider.GetService<IChatCompletionService>());
        Assert.Equal("random", provider.GetRequiredKeyedService<IChatCompletionService>("vision").GetModelId());
        Assert.Equal("fast", provider.GetRequiredKeyedService<IChatCompletionService>("fast").GetModelId());
        Assert.IsType<FunctionInvokingChatClient>(provider.GetRequiredKeyedService<IChatClient>("vision"));
        Assert.Same(
            provider.GetRequiredKeyedService<VisPrunerChatClient>("fast"),
            Assert.IsType<VisPrunerChatCompletionService>(provider.GetRequiredKeyedService<IChatCompletionService>("fast")).Client);
    }

    [Fact]
    public void Semantic_Kernel_style_registration_refuses_a_blank_model_folder_or_service_id()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddVisPrunerChatCompletion(" "));
        var blankId = Assert.Throws<ArgumentException>(() => services.AddVisPrunerChatCompletion(models.Random.Folder, serviceId: ""));
        Assert.Throws<ArgumentNullException>(() => Kernel.CreateBuilder().AddVisPrunerChatCompletion((Action<VisPrunerChatClientOptions>)null!));

        Assert.Equal("serviceId", blankId.ParamName);
        Assert.Empty(services);
    }
}
