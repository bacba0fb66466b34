using System.Text;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using VisPruner.SemanticKernel.IntegrationTests.Snippets;

namespace VisPruner.SemanticKernel.IntegrationTests.FreshApp;

/// <summary>
/// Everything the fresh app does with the library, compiled into that app and into this test project: one registration
/// call, the kernel's <see cref="IChatCompletionService"/>, an image in the history and a plugin the kernel invokes on its
/// own. Running it here first teaches the scripted model the app's prompt lengths.
/// </summary>
public static class FreshAppScenario
{
    /// <summary>Asks about <paramref name="imagePath"/> with the lookup plugin offered.</summary>
    /// <returns>The lookup results the kernel fed back, one line each, then the answer.</returns>
    public static async Task<string> AskAsync(string modelFolder, string imagePath, CancellationToken cancellationToken = default)
    {
        IKernelBuilder builder = Kernel.CreateBuilder().AddVisPrunerChatCompletion(modelFolder);
        builder.Plugins.AddFromType<BuildingPlugin>("buildings");
        Kernel kernel = builder.Build();

        IChatCompletionService chat = kernel.GetRequiredService<IChatCompletionService>();
        ChatHistory history = [];
        history.AddUserMessage(
        [
            new ImageContent(await File.ReadAllBytesAsync(imagePath, cancellationToken), "image/png"),
            new TextContent("What kind of building is this, and what should a buyer know?"),
        ]);
        var settings = new VisPrunerPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        ChatMessageContent answer = await chat.GetChatMessageContentAsync(history, settings, kernel, cancellationToken);

        var report = new StringBuilder();
        foreach (FunctionResultContent result in history.SelectMany(m => m.Items).OfType<FunctionResultContent>())
        {
            report.Append("result: ").AppendLine(result.Result?.ToString());
        }

        return report.Append("answer: ").Append(answer.Content).ToString();
    }
}
