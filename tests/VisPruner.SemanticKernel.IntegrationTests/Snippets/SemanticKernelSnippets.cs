using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;
using VisPruner.Engine.Pruning;

namespace VisPruner.SemanticKernel.IntegrationTests.Snippets;

/// <summary>
/// The Semantic Kernel code the READMEs show, region by region (ReadmeTests checks that they quote it unchanged). Each
/// method is run by a test on a real engine, so the READMEs show code that compiles and works.
/// </summary>
public static class SemanticKernelSnippets
{
    public static async Task<ChatHistory> SemanticKernelAsync(string modelFolder, string imagePath)
    {
        #region semantic-kernel
        IKernelBuilder builder = Kernel.CreateBuilder();
        builder.AddVisPrunerChatCompletion(modelFolder);
        builder.Plugins.AddFromType<BuildingPlugin>("buildings");
        Kernel kernel = builder.Build();

        IChatCompletionService chat = kernel.GetRequiredService<IChatCompletionService>();
        ChatHistory history = [];
        history.AddUserMessage(
        [
            new ImageContent(await File.ReadAllBytesAsync(imagePath), "image/png"),
            new TextContent("What kind of building is this, and what should a buyer know?"),
        ]);

        // The kernel functions the model calls run automatically; the answer is the model's last message.
        var settings = new VisPrunerPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(), MaxTokens = 256 };
        ChatMessageContent answer = await chat.GetChatMessageContentAsync(history, settings, kernel);
        history.Add(answer);
        Console.WriteLine($"{answer.Content} (visual tokens: {answer.Metadata?[VisPrunerPropertyNames.VisualTokens]})");
        #endregion
        return history;
    }

    public static async Task<FunctionResult> DependencyInjectionAsync(IConfiguration configuration)
    {
        #region dependency-injection
        var services = new ServiceCollection();
        services.AddVisPrunerChat(configuration.GetSection("VisPruner")); // one engine; IChatClient and IChatCompletionService
        services.AddKernel().Plugins.AddFromType<BuildingPlugin>("buildings");
        await using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate(); // a host does this when it starts

        Kernel kernel = provider.GetRequiredService<Kernel>();
        FunctionResult result = await kernel.InvokePromptAsync(
            "Write a one-line listing title for a {{$colour}} house.",
            new KernelArguments(new VisPrunerPromptExecutionSettings { MaxTokens = 32 }) { ["colour"] = "red" });
        Console.WriteLine(result);
        #endregion
        return result;
    }

    public static async Task<(string Vision, string Fast)> ServiceIdsAsync(string visionFolder, string fastFolder)
    {
        #region service-ids
        Kernel kernel = Kernel.CreateBuilder()
            .AddVisPrunerChatCompletion(visionFolder, serviceId: "vision")
            .AddVisPrunerChatCompletion(options =>
            {
                options.ModelFolder = fastFolder;
                options.Engine.Pruning = new VisualTokenPruningOptions { TokensPerImage = 32 };
            }, serviceId: "fast")
            .Build();

        IChatCompletionService vision = kernel.GetRequiredService<IChatCompletionService>("vision");
        FunctionResult quick = await kernel.InvokePromptAsync(
            "Name one colour.", new KernelArguments(new VisPrunerPromptExecutionSettings { ServiceId = "fast", MaxTokens = 8 }));
        #endregion
        return (vision.GetModelId()!, quick.GetValue<ChatMessageContent>()!.ModelId!);
    }
}
