using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VisPruner.Engine;
using VisPruner.Engine.Pruning;

namespace VisPruner.Extensions.AI.Tests.DependencyInjection;

[Collection(TinyModelsGroup.Name)]
public sealed class RegistrationTests(TinyModels models)
{
    [Fact]
    public async Task AddVisPrunerChatClient_registers_the_client_as_IChatClient_over_a_singleton_engine()
    {
        var services = new ServiceCollection();
        ChatClientBuilder builder = services.AddVisPrunerChatClient(options => options.ModelFolder = models.RandomFolder);
        await using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        IChatClient chat = provider.GetRequiredService<IChatClient>();
        VisPrunerChatClient client = provider.GetRequiredService<VisPrunerChatClient>();

        Assert.NotNull(builder);
        Assert.Same(client, chat);
        Assert.Same(client.Engine, provider.GetRequiredService<MultimodalEngine>());
        ChatResponse response = await chat.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 1 });
        Assert.Equal("random", response.ModelId);
    }

    [Fact]
    public async Task The_returned_builder_composes_the_registered_pipeline_over_the_client()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddVisPrunerChatClient(options => options.ModelFolder = models.RandomFolder)
            .UseFunctionInvocation()
            .UseLogging();
        await using ServiceProvider provider = services.BuildServiceProvider();

        IChatClient chat = provider.GetRequiredService<IChatClient>();

        // The first middleware added is the outermost, as in every ChatClientBuilder.
        Assert.IsType<FunctionInvokingChatClient>(chat);
        Assert.NotNull(chat.GetService<LoggingChatClient>());
        Assert.Same(provider.GetRequiredService<VisPrunerChatClient>(), chat.GetService<VisPrunerChatClient>());
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
        var services = new ServiceCollection();
        services.AddVisPrunerChatClient(configuration);
        ServiceProvider provider = services.BuildServiceProvider();

        VisPrunerChatClientOptions options = provider.GetRequiredService<IOptions<VisPrunerChatClientOptions>>().Value;
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
        var services = new ServiceCollection();
        services.AddVisPrunerChatClient(options => options.ModelFolder = missing);
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_the_client_and_engine_options_is_reported_at_start_in_one_message()
    {
        var services = new ServiceCollection();
        services.AddVisPrunerChatClient(options =>
        {
            options.LowDetailTokensPerImage = 0;
            options.Engine.IntraOpThreads = -1;
            options.Engine.ContinuableGenerators = -2;
            options.Engine.Pruning = new VisualTokenPruningOptions { TokensPerImage = -3 };
            options.Engine.ImageLimits.MaxPixelsPerImage = 0;
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        string[] named =
        [
            "ModelFolder is required", "LowDetailTokensPerImage", "Engine: MultimodalEngineOptions.IntraOpThreads", "MultimodalEngineOptions.ContinuableGenerators",
            "MultimodalEngineOptions.Pruning.TokensPerImage", "MultimodalEngineOptions.ImageLimits.MaxPixelsPerImage",
        ];
        Assert.All(named, part => Assert.Contains(part, error.Message, StringComparison.Ordinal));
        Assert.Equal(named.Length, error.Failures.Count());
    }

    [Fact]
    public async Task Registering_a_model_twice_shares_its_engine_and_client_and_reports_each_problem_once()
    {
        var services = new ServiceCollection();
        services.AddVisPrunerChatClient(options => options.ModelFolder = models.RandomFolder);
        services.AddVisPrunerChatClient(options => options.ModelId = "again");
        await using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Same(provider.GetRequiredService<VisPrunerChatClient>(), provider.GetRequiredService<IChatClient>());
        Assert.Equal("again", provider.GetRequiredService<IChatClient>().GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Single(services, d => d.ServiceType == typeof(MultimodalEngine));

        var invalid = new ServiceCollection();
        invalid.AddVisPrunerChatClient(options => options.ModelFolder = models.RandomFolder);
        invalid.AddVisPrunerChatClient(options => options.LowDetailTokensPerImage = 0);
        using ServiceProvider failing = invalid.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => failing.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("LowDetailTokensPerImage (0)", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keyed_registrations_keep_separate_options_clients_pipelines_and_engines()
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
        var services = new ServiceCollection().AddLogging();
        services.AddKeyedVisPrunerChatClient("vision", options => (options.ModelFolder, options.ModelId) = (models.RandomFolder, "vision"));
        services.AddKeyedVisPrunerChatClient("fast", configuration.GetSection("Models:Fast")).UseLogging();
        await using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        IChatClient vision = provider.GetRequiredKeyedService<IChatClient>("vision");
        IChatClient fast = provider.GetRequiredKeyedService<IChatClient>("fast");

        Assert.Equal("vision", vision.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Equal("fast", fast.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.IsType<LoggingChatClient>(fast);
        Assert.NotSame(provider.GetRequiredKeyedService<MultimodalEngine>("vision"), provider.GetRequiredKeyedService<MultimodalEngine>("fast"));
        Assert.Same(vision, provider.GetRequiredKeyedService<VisPrunerChatClient>("vision"));
        Assert.Null(provider.GetService<IChatClient>());
        ChatResponse response = await fast.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 1 });
        Assert.Equal("fast", response.ModelId);
    }

    [Fact]
    public void A_keyed_registration_with_a_bad_folder_fails_startup_validation_naming_the_folder()
    {
        string missing = Path.Combine(models.NewFolder(), "absent");
        var services = new ServiceCollection();
        services.AddKeyedVisPrunerChatClient("good", options => options.ModelFolder = models.RandomFolder);
        services.AddKeyedVisPrunerChatClient("bad", options => options.ModelFolder = missing);
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Equal("bad", error.OptionsName);
    }
}
