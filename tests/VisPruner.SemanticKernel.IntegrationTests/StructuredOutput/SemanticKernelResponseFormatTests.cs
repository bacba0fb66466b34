using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace VisPruner.SemanticKernel.IntegrationTests.StructuredOutput;

/// <summary>
/// Semantic Kernel's structured output as apps write it for OpenAI: <c>ResponseFormat</c> as a type, <c>"json_object"</c>,
/// a schema or OpenAI's wrapper, on these settings or on OpenAI's, through <see cref="IChatCompletionService"/> on the
/// trained demo model.
/// </summary>
public sealed class SemanticKernelResponseFormatTests(StructuredOutputModels models) : IClassFixture<StructuredOutputModels>
{
    public sealed record SneakerAnswer(Colour Colour);

    private static readonly string[] Offered = ["red", "yellow"];

    [Fact]
    public async Task ResponseFormat_as_a_type_gives_a_reply_that_deserializes_into_it()
    {
        ChatMessageContent reply = await AskAsync(new VisPrunerPromptExecutionSettings { ResponseFormat = typeof(SneakerAnswer) });

        SneakerAnswer? answer = JsonSerializer.Deserialize<SneakerAnswer>(reply.Content!);
        Assert.NotNull(answer);
        Assert.True(Enum.IsDefined(answer.Colour), reply.Content);
    }

    [Fact]
    public async Task OpenAI_settings_with_a_type_convert_unchanged()
    {
        var settings = new OpenAIPromptExecutionSettings { ResponseFormat = typeof(SneakerAnswer), MaxTokens = 4 };

        ChatMessageContent reply = await AskAsync(settings);

        Assert.NotNull(JsonSerializer.Deserialize<SneakerAnswer>(reply.Content!));
        Assert.Equal(typeof(SneakerAnswer), VisPrunerPromptExecutionSettings.FromExecutionSettings(settings).ResponseFormat);
    }

    [Theory]
    [InlineData("json_object")]
    [InlineData("""{"type": "json_object"}""")]
    public async Task json_object_gives_a_non_empty_object(string format)
    {
        object responseFormat = format.StartsWith('{') ? JsonDocument.Parse(format).RootElement.Clone() : format;

        ChatMessageContent reply = await AskAsync(new VisPrunerPromptExecutionSettings { ResponseFormat = responseFormat });

        using JsonDocument document = JsonDocument.Parse(reply.Content!);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        Assert.NotEmpty(document.RootElement.EnumerateObject());
    }

    [Theory]
    [InlineData("""{"type": "object", "properties": {"colour": {"enum": ["red", "yellow"]}}, "required": ["colour"]}""")]
    [InlineData("""{"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object", "properties": {"colour": {"enum": ["red", "yellow"]}}, "required": ["colour"]}}}""")]
    public async Task A_schema_or_OpenAI_wrapper_constrains_the_reply(string format)
    {
        ChatMessageContent reply = await AskAsync(new VisPrunerPromptExecutionSettings { ResponseFormat = format });

        using JsonDocument document = JsonDocument.Parse(reply.Content!);
        Assert.Contains(document.RootElement.GetProperty("colour").GetString(), Offered);
    }

    [Fact]
    public void A_prompt_configuration_binds_response_format()
    {
        var settings = JsonSerializer.Deserialize<VisPrunerPromptExecutionSettings>("""{"response_format": "json_object", "max_tokens": 5}""")!;

        Assert.Equal("json_object", settings.ResponseFormat);
        Assert.Contains("\"response_format\":\"json_object\"", JsonSerializer.Serialize(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_response_format_is_refused_naming_the_setting()
    {
        var ex = Assert.Throws<ArgumentException>(() => new VisPrunerPromptExecutionSettings { ResponseFormat = 42 });
        Assert.Contains("VisPrunerPromptExecutionSettings.ResponseFormat", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<ArgumentException>(() => new VisPrunerPromptExecutionSettings { ResponseFormat = "yaml" });
        Assert.Contains("VisPrunerPromptExecutionSettings.ResponseFormat", ex.Message, StringComparison.Ordinal);
    }

    private async Task<ChatMessageContent> AskAsync(PromptExecutionSettings settings)
    {
        var service = new VisPrunerChatCompletionService(models.Trained);
        ChatHistory history = [];
        history.AddUserMessage(
        [
            new ImageContent(await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "images", "fashion-scene.png")), "image/png"),
            new TextContent("What colour is the sneaker?"),
        ]);
        return await service.GetChatMessageContentAsync(history, settings);
    }
}
