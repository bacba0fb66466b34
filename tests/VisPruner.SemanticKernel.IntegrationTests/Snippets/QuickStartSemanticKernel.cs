#region quick-start-semantic-kernel
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace QuickStart;

public static class KernelImageQuestion
{
    public static async Task<string?> AskAsync(string modelFolder, string imagePath, string question)
    {
        Kernel kernel = Kernel.CreateBuilder().AddVisPrunerChatCompletion(modelFolder).Build();
        IChatCompletionService chat = kernel.GetRequiredService<IChatCompletionService>();

        ChatHistory history = [];
        history.AddUserMessage([new ImageContent(await File.ReadAllBytesAsync(imagePath), "image/png"), new TextContent(question)]);
        ChatMessageContent answer = await chat.GetChatMessageContentAsync(history, kernel: kernel);
        return answer.Content;
    }
}
#endregion
