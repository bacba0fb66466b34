using System.Text.Json;
using Microsoft.Extensions.AI;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;
using VisPruner.Extensions.AI.Conversion;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Extensions.AI.Tests.Conversion;

[Collection(TinyModelsGroup.Name)]
public sealed class OptionsMappingTests(TinyModels models)
{
    private static readonly List<ChatMessage> Hello = [new(ChatRole.User, "Hello")];

    private async Task<PreparedChat> PrepareAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, VisPrunerChatClientOptions? settings = null) =>
        await ChatRequestBuilder.BuildAsync(messages, options, settings ?? new VisPrunerChatClientOptions(), await models.RandomClientAsync(), CancellationToken.None);

    [Fact]
    public async Task Sampling_settings_are_mapped_and_the_caller_options_are_not_modified()
    {
        var options = new ChatOptions
        {
            MaxOutputTokens = 42,
            Temperature = 0.7f,
            TopP = 0.9f,
            TopK = 20,
            Seed = 12345,
            StopSequences = ["\n\n", "END"],
            Instructions = "Answer briefly.",
            AdditionalProperties = new() { [VisPrunerPropertyNames.RepetitionPenalty] = 1.1 },
        };
        string before = JsonSerializer.Serialize(options, AIJsonUtilities.DefaultOptions);

        GenerationOptions mapped = (await PrepareAsync(Hello, options)).Request.Options;

        Assert.Equal(42, mapped.MaxNewTokens);
        Assert.Equal(0.7, mapped.Temperature!.Value, 1e-6);
        Assert.Equal(0.9, mapped.TopP!.Value, 1e-6);
        Assert.Equal(20, mapped.TopK);
        Assert.Equal(12345, mapped.Seed);
        Assert.Equal(1.1, mapped.RepetitionPenalty);
        Assert.Equal(["\n\n", "END"], mapped.StopSequences);
        Assert.Null(mapped.Pruning);
        Assert.Equal(before, JsonSerializer.Serialize(options, AIJsonUtilities.DefaultOptions));
        Assert.Equal(["\n\n", "END"], options.StopSequences);
    }

    [Fact]
    public async Task Distinct_64_bit_seeds_give_distinct_engine_seeds()
    {
        GenerationOptions low = (await PrepareAsync(Hello, new ChatOptions { Seed = 1 })).Request.Options;
        GenerationOptions high = (await PrepareAsync(Hello, new ChatOptions { Seed = 1L << 40 })).Request.Options;

        Assert.NotEqual(low.Seed, high.Seed);
    }

    [Fact]
    public async Task Instructions_and_leading_system_messages_become_one_system_turn()
    {
        List<ChatMessage> messages = [new(ChatRole.System, "You describe photos."), new(ChatRole.User, "Hi")];

        GenerationRequest request = (await PrepareAsync(messages, new ChatOptions { Instructions = "Answer briefly." })).Request;

        Assert.Equal(2, request.Messages.Count);
        Assert.Equal(TurnRole.System, request.Messages[0].Role);
        Assert.Equal("Answer briefly.\n\nYou describe photos.", request.Messages[0].Text);
        Assert.Equal(TurnRole.User, request.Messages[1].Role);
    }

    [Fact]
    public async Task VisPruner_additional_properties_set_the_request_pruning()
    {
        var options = new ChatOptions
        {
            AdditionalProperties = new()
            {
                [VisPrunerPropertyNames.TokensPerImage] = 32,
                [VisPrunerPropertyNames.ImportantRatio] = 0.75,
                [VisPrunerPropertyNames.Selector] = "div_prune",
            },
        };

        VisualTokenPruningOptions pruning = (await PrepareAsync(Hello, options)).Request.Options.Pruning!;

        Assert.Equal(VisualTokenSelectorKind.DivPrune, pruning.Selector);
        Assert.Equal(32, pruning.TokensPerImage);
        Assert.Equal(0.75, pruning.ImportantRatio);
    }

    [Fact]
    public async Task Additional_properties_that_came_through_json_are_read()
    {
        var options = JsonSerializer.Deserialize<ChatOptions>(
            """{"additionalProperties": {"vispruner.token_fraction": 0.5, "vispruner.selector": "ClsAttentionTopK"}}""", AIJsonUtilities.DefaultOptions)!;

        VisualTokenPruningOptions pruning = (await PrepareAsync(Hello, options)).Request.Options.Pruning!;

        Assert.Equal(VisualTokenSelectorKind.ClsAttentionTopK, pruning.Selector);
        Assert.Null(pruning.TokensPerImage);
        Assert.Equal(0.5, pruning.TokenFraction);
    }

    [Theory]
    [InlineData(VisPrunerPropertyNames.TokensPerImage, "many")]
    [InlineData(VisPrunerPropertyNames.TokensPerImage, 0)]
    [InlineData(VisPrunerPropertyNames.TokenFraction, 1.5)]
    [InlineData(VisPrunerPropertyNames.Selector, "best")]
    public async Task Invalid_VisPruner_properties_are_rejected_by_name(string key, object value)
    {
        var options = new ChatOptions { AdditionalProperties = new() { [key] = value } };

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => PrepareAsync(Hello, options));

        Assert.True(error.Message.Contains(key, StringComparison.Ordinal) || error.Message.Contains("TokensPerImage", StringComparison.Ordinal)
            || error.Message.Contains("TokenFraction", StringComparison.Ordinal), error.Message);
    }

    [Theory]
    [InlineData("low", VisualTokenSelectorKind.VisPruner, 64)]
    [InlineData("LOW", VisualTokenSelectorKind.VisPruner, 64)]
    [InlineData("high", VisualTokenSelectorKind.None, null)]
    public async Task Image_detail_sets_the_budget(string detail, VisualTokenSelectorKind selector, int? tokens)
    {
        List<ChatMessage> messages = [new(ChatRole.User, [Image(detail), new TextContent("What is it?")])];

        VisualTokenPruningOptions pruning = (await PrepareAsync(messages, null)).Request.Options.Pruning!;

        Assert.Equal(selector, pruning.Selector);
        Assert.Equal(tokens, pruning.TokensPerImage);
    }

    [Fact]
    public async Task Auto_detail_keeps_the_engine_default_and_the_most_detailed_image_wins()
    {
        List<ChatMessage> auto = [new(ChatRole.User, [Image("auto"), Image(null)])];
        List<ChatMessage> mixed = [new(ChatRole.User, [Image("low"), Image("high")])];
        List<ChatMessage> lowAndAuto = [new(ChatRole.User, [Image("low"), Image("auto")])];

        Assert.Null((await PrepareAsync(auto, null)).Request.Options.Pruning);
        Assert.Equal(VisualTokenSelectorKind.None, (await PrepareAsync(mixed, null)).Request.Options.Pruning!.Selector);
        Assert.Null((await PrepareAsync(lowAndAuto, null)).Request.Options.Pruning);
    }

    [Fact]
    public async Task Low_detail_follows_the_configured_budget_and_explicit_properties_win_over_detail()
    {
        List<ChatMessage> messages = [new(ChatRole.User, [Image("low")])];
        var settings = new VisPrunerChatClientOptions { LowDetailTokensPerImage = 16 };
        var options = new ChatOptions { AdditionalProperties = new() { [VisPrunerPropertyNames.TokensPerImage] = 100 } };

        Assert.Equal(16, (await PrepareAsync(messages, null, settings)).Request.Options.Pruning!.TokensPerImage);
        Assert.Equal(100, (await PrepareAsync(messages, options, settings)).Request.Options.Pruning!.TokensPerImage);
    }

    [Fact]
    public async Task An_unknown_detail_value_is_rejected()
    {
        List<ChatMessage> messages = [new(ChatRole.User, [Image("ultra")])];

        var error = await Assert.ThrowsAsync<ArgumentException>(() => PrepareAsync(messages, null));

        Assert.Contains("ultra", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_from_the_raw_representation_factory_win()
    {
        var options = new ChatOptions
        {
            MaxOutputTokens = 10,
            Temperature = 0.5f,
            RawRepresentationFactory = _ => new GenerationOptions { MaxNewTokens = 99, MinNewTokens = 2, Pruning = VisualTokenPruningOptions.Disabled },
            AdditionalProperties = new() { [VisPrunerPropertyNames.TokensPerImage] = 8 },
        };

        GenerationOptions mapped = (await PrepareAsync(Hello, options)).Request.Options;

        Assert.Equal(99, mapped.MaxNewTokens);
        Assert.Equal(2, mapped.MinNewTokens);
        Assert.Equal(0.5, mapped.Temperature!.Value, 1e-6);
        Assert.Same(VisualTokenPruningOptions.Disabled, mapped.Pruning);
    }

    [Fact]
    public async Task Json_response_format_asks_for_json_in_the_system_turn()
    {
        using JsonDocument schema = JsonDocument.Parse("""{"type":"object","properties":{"animal":{"type":"string"}}}""");
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "answer") };

        GenerationRequest request = (await PrepareAsync(Hello, options)).Request;

        Assert.Equal(TurnRole.System, request.Messages[0].Role);
        Assert.Contains("JSON", request.Messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("\"animal\"", request.Messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pruning_options_reach_the_engine()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        List<ChatMessage> messages = [new(ChatRole.User, [new DataContent(TestImages.Bmp(336, 336, 3), "image/bmp"), new TextContent("What is it?")])];

        ChatResponse full = await client.GetResponseAsync(messages, new ChatOptions
        {
            MaxOutputTokens = 1,
            AdditionalProperties = new() { [VisPrunerPropertyNames.Selector] = "None" },
        });
        ChatResponse pruned = await client.GetResponseAsync(messages, new ChatOptions
        {
            MaxOutputTokens = 1,
            AdditionalProperties = new() { [VisPrunerPropertyNames.TokensPerImage] = 16 },
        });

        AdditionalPropertiesDictionary<long> fullCounts = full.Usage!.AdditionalCounts!;
        AdditionalPropertiesDictionary<long> prunedCounts = pruned.Usage!.AdditionalCounts!;
        Assert.Equal(fullCounts[VisPrunerPropertyNames.VisualTokensBeforePruning], fullCounts[VisPrunerPropertyNames.VisualTokens]);
        Assert.True(prunedCounts[VisPrunerPropertyNames.VisualTokens] < fullCounts[VisPrunerPropertyNames.VisualTokens]);
        Assert.Equal(
            full.Usage.InputTokenCount - pruned.Usage.InputTokenCount,
            fullCounts[VisPrunerPropertyNames.VisualTokens] - prunedCounts[VisPrunerPropertyNames.VisualTokens]);
    }

    private static DataContent Image(string? detail)
    {
        var image = new DataContent(TestImages.Bmp(64, 64), "image/bmp");
        if (detail is not null)
        {
            image.AdditionalProperties = new() { [VisPrunerPropertyNames.Detail] = detail };
        }

        return image;
    }
}
