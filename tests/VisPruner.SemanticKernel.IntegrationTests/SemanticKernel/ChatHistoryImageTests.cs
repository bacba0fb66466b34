using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;
using SKImage = Microsoft.SemanticKernel.ImageContent;
using SKText = Microsoft.SemanticKernel.TextContent;

namespace VisPruner.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>Images in a <see cref="ChatHistory"/> reach the model, however they are given.</summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class ChatHistoryImageTests(ScriptedModels models)
{
    private static readonly byte[] House = File.ReadAllBytes(ScriptedModels.HouseImage);

    public static TheoryData<string> Sources => ["bytes", "data uri", "file uri"];

    private static SKImage Image(string source) => source switch
    {
        "bytes" => new SKImage(House, "image/png"),
        "data uri" => new SKImage("data:image/png;base64," + Convert.ToBase64String(House)),
        "file uri" => new SKImage(new Uri(ScriptedModels.HouseImage)),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown image source."),
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task An_image_reaches_the_model_and_is_pruned_as_when_sent_through_IChatClient(string source)
    {
        Kernel kernel = Kernel.CreateBuilder().AddVisPrunerChatCompletion(options =>
        {
            models.Random.Configure(options);
            options.AllowedImageFolders.Add(Path.GetDirectoryName(ScriptedModels.HouseImage)!); // file: URIs are read only from allowed folders
        }).Build();
        var history = new ChatHistory();
        history.AddUserMessage([Image(source), new SKText("What is in this picture?")]);

        ChatMessageContent answer = await kernel.GetRequiredService<IChatCompletionService>()
            .GetChatMessageContentAsync(history, new VisPrunerPromptExecutionSettings { MaxTokens = 1 });
        ChatResponse direct = await kernel.GetRequiredService<IChatClient>().GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new DataContent(House, "image/png"), new Microsoft.Extensions.AI.TextContent("What is in this picture?")])],
            new ChatOptions { MaxOutputTokens = 1 });

        AdditionalPropertiesDictionary<long> figures = direct.Usage!.AdditionalCounts!;
        Assert.Equal(figures[VisPrunerPropertyNames.VisualTokensBeforePruning], answer.Metadata![VisPrunerPropertyNames.VisualTokensBeforePruning]);
        Assert.Equal(figures[VisPrunerPropertyNames.VisualTokens], answer.Metadata[VisPrunerPropertyNames.VisualTokens]);
        Assert.True(figures[VisPrunerPropertyNames.VisualTokens] < figures[VisPrunerPropertyNames.VisualTokensBeforePruning]);
        var usage = Assert.IsType<UsageDetails>(answer.Metadata["Usage"]);
        Assert.Equal(direct.Usage.InputTokenCount, usage.InputTokenCount);
    }

    [Fact]
    public async Task An_image_without_a_media_type_is_refused_with_a_clear_error()
    {
        Kernel kernel = Kernel.CreateBuilder().AddVisPrunerChatCompletion(options =>
        {
            models.Random.Configure(options);
            options.AllowedImageFolders.Add(Path.GetDirectoryName(ScriptedModels.HouseImage)!); // file: URIs are read only from allowed folders
        }).Build();
        var history = new ChatHistory();
        history.AddUserMessage([new SKImage(House, mimeType: null), new SKText("What is in this picture?")]);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(history, new VisPrunerPromptExecutionSettings { MaxTokens = 1 }));

        Assert.Equal("chatHistory", error.ParamName);
        Assert.Contains("Message 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("MimeType", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_service_reports_its_model_id_and_model_folder_as_attributes()
    {
        Kernel kernel = Kernel.CreateBuilder().AddVisPrunerChatCompletion(models.Random.Configure).Build();

        IChatCompletionService service = kernel.GetRequiredService<IChatCompletionService>();

        Assert.Equal("random", service.GetModelId());
        Assert.Equal(new Uri(Path.GetFullPath(models.Random.Folder) + Path.DirectorySeparatorChar), new Uri(service.GetEndpoint()!));
        Assert.Same(kernel.GetRequiredService<IChatClient>(), kernel.Services.GetRequiredService<VisPrunerChatClient>());
    }
}
