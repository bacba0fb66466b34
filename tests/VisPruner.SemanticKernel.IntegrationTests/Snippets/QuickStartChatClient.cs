#region quick-start-chat-client
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace QuickStart;

public static class ImageQuestion
{
    public static async Task<string> AskAsync(string modelFolder, string imagePath, string question)
    {
        var services = new ServiceCollection();
        services.AddVisPrunerChatClient(options => options.ModelFolder = modelFolder)
            .UseFunctionInvocation(); // any M.E.AI middleware: UseOpenTelemetry(), UseLogging(), ...
        await using ServiceProvider provider = services.BuildServiceProvider();
        IChatClient chat = provider.GetRequiredService<IChatClient>();

        ChatResponse answer = await chat.GetResponseAsync(new ChatMessage(ChatRole.User,
        [
            new DataContent(await File.ReadAllBytesAsync(imagePath), "image/png"),
            new TextContent(question),
        ]));
        return answer.Text;
    }
}
#endregion
