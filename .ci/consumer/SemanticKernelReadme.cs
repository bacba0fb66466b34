using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

/// <summary>The VisPruner.SemanticKernel package README's example.</summary>
internal static class SemanticKernelReadme
{
    public static async Task<string> AskAsync(string modelFolder, string imagePath, string question)
    {
        #region semantic-kernel-package
        Kernel kernel = Kernel.CreateBuilder().AddVisPrunerChatCompletion(modelFolder).Build();
        IChatCompletionService chat = kernel.GetRequiredService<IChatCompletionService>();

        ChatHistory history = [];
        history.AddUserMessage(
        [
            new ImageContent(await File.ReadAllBytesAsync(imagePath), "image/png"),
            new TextContent(question),
        ]);
        ChatMessageContent answer = await chat.GetChatMessageContentAsync(history);
        Console.WriteLine(answer.Content);
        #endregion
        return answer.Content ?? string.Empty;
    }
}
