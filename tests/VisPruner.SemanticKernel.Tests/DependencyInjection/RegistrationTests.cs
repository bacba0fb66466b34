using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;
using VisPruner.Engine;
using VisPruner.Engine.Pruning;

namespace VisPruner.SemanticKernel.Tests.DependencyInjection;

[Collection(TinyModelsGroup.Name)]
public sealed class RegistrationTests(TinyModels models)
{
    [Fact]
    public async Task AddVisPrunerChat_registers_one_client_as_IChatClient_and_IChatCompletionService_over_a_singleton_engine()
    {
        await using ServiceProvider provider = new ServiceCollection()
            .AddVisPrunerChat(options => options.ModelFolder = models.RandomFolder)
            .BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        IChatClient chat = provider.GetRequiredService<IChatClient>();
        VisPrunerChatClient client = provider.GetRequiredService<VisPrunerChatClient>();
        IChatCompletionService completions = provider.GetRequiredService<IChatCompletionService>();

        Assert.Same(client, chat);
        Assert.Same(client.Engine, provider.GetRequiredService<MultimodalEngine>());
        Assert.Same(client, Assert.IsType<VisPrunerChatCompletionService>(completions).Client);
        Assert.Same(completions, provider.GetRequiredService<VisPrunerChatCompletionService>());
        Assert.Equal("random", completions.GetModelId());
        Assert.Equal(new Uri(Path.GetFullPath(models.RandomFolder) + Path.DirectorySeparatorChar).ToString(), completions.GetEndpoint());
        ChatResponse response = await chat.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 1 });
        Assert.Equal("random", response.ModelId);
    }

    [Fact]
    public async Task Options_bind_from_configuration_and_the_container_releases_the_engine()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VisPruner:ModelFolder"] = models.RandomFolder,
            ["VisPruner:ModelId"] = "phi-3.5-vision-demo",
            ["VisPruner:LowDetailTokensPerImage"] = "24",
            ["VisPruner:Engine:IntraOpThreads"] = "1",
            ["VisPruner:Engine:Pruning:TokensPerImage"] = "48",
            ["VisPruner:Engine:Pruning:Selector"] = "DivPrune",
        }).Build();
        ServiceProvider provider = new ServiceCollection().AddVisPrunerChat(configuration).BuildServiceProvider();

        VisPrunerChatOptions options = provider.GetRequiredService<IOptions<VisPrunerChatOptions>>().Value;
        IChatClient chat = provider.GetRequiredService<IChatClient>();

        Assert.Equal(24, options.LowDetailTokensPerImage);
        Assert.Equal(1, options.Engine.IntraOpThreads);
        Assert.Equal(48, options.Engine.Pruning.TokensPerImage);
        Assert.Equal(VisualTokenSelectorKind.DivPrune, options.Engine.Pruning.Selector);
        Assert.Equal("phi-3.5-vision-demo", chat.GetService<ChatClientMetadata>()!.DefaultModelId);

        await provider.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => chat.GetResponseAsync("Hi"));
    }

    [Fact]
    public void A_missing_model_folder_fails_startup_validation_with_its_path()
    {
        string missing = Path.Combine(models.NewFolder(), "no-model-here");
        using ServiceProvider provider = new ServiceCollection()
            .AddVisPrunerChat(options => options.ModelFolder = missing)
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unset_model_folder_fails_startup_validation()
    {
        using ServiceProvider provider = new ServiceCollection().AddVisPrunerChat().BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("ModelFolder is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keyed_registrations_keep_separate_options_clients_and_engines()
    {
        string second = models.NewFolder();
        foreach (string file in Directory.GetFiles(models.RandomFolder))
        {
            File.Copy(file, Path.Combine(second, Path.GetFileName(file)));
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Models:Fast:ModelFolder"] = second,
            ["Models:Fast:ModelId"] = "fast",
        }).Build();
        await using ServiceProvider provider = new ServiceCollection()
            .AddKeyedVisPrunerChat("vision", options => (options.ModelFolder, options.ModelId) = (models.RandomFolder, "vision"))
            .AddKeyedVisPrunerChat("fast", configuration.GetSection("Models:Fast"))
            .BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        IChatClient vision = provider.GetRequiredKeyedService<IChatClient>("vision");
        IChatClient fast = provider.GetRequiredKeyedService<IChatClient>("fast");

        Assert.Equal("vision", vision.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Equal("fast", fast.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.NotSame(provider.GetRequiredKeyedService<MultimodalEngine>("vision"), provider.GetRequiredKeyedService<MultimodalEngine>("fast"));
        Assert.Same(vision, provider.GetRequiredKeyedService<VisPrunerChatClient>("vision"));
        Assert.Null(provider.GetService<IChatClient>());
        Assert.Null(provider.GetService<IChatCompletionService>());
        Assert.Equal("vision", provider.GetRequiredKeyedService<IChatCompletionService>("vision").GetModelId());
        Assert.Equal("fast", provider.GetRequiredKeyedService<IChatCompletionService>("fast").GetModelId());
        ChatResponse response = await fast.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 1 });
        Assert.Equal("fast", response.ModelId);
    }

    [Fact]
    public void A_keyed_registration_with_a_bad_folder_fails_startup_validation_naming_the_folder()
    {
        string missing = Path.Combine(models.NewFolder(), "absent");
        using ServiceProvider provider = new ServiceCollection()
            .AddKeyedVisPrunerChat("good", options => options.ModelFolder = models.RandomFolder)
            .AddKeyedVisPrunerChat("bad", options => options.ModelFolder = missing)
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Equal("bad", error.OptionsName);
    }

    [Fact]
    public void Semantic_Kernel_style_registration_refuses_a_blank_model_folder_or_service_id()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddVisPrunerChatCompletion(" "));
        var blankId = Assert.Throws<ArgumentException>(() => services.AddVisPrunerChatCompletion(models.RandomFolder, serviceId: ""));
        Assert.Throws<ArgumentNullException>(() => Kernel.CreateBuilder().AddVisPrunerChatCompletion((Action<VisPrunerChatOptions>)null!));

        Assert.Equal("serviceId", blankId.ParamName);
        Assert.Empty(services);
    }
}
