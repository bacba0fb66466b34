using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

/// <summary>The VisPruner.Extensions.AI package README's example.</summary>
internal static class ExtensionsAIReadme
{
    public static async Task<string> AskAsync(string modelFolder, string imagePath, string question)
    {
        #region extensions-ai-package
        var services = new ServiceCollection();
        services.AddVisPrunerChatClient(options => options.ModelFolder = modelFolder)
            .UseFunctionInvocation(); // a ChatClientBuilder: add any M.E.AI middleware
        await using ServiceProvider provider = services.BuildServiceProvider();
        IChatClient client = provider.GetRequiredService<IChatClient>();

        ChatResponse response = await client.GetResponseAsync(new ChatMessage(ChatRole.User,
        [
            new DataContent(await File.ReadAllBytesAsync(imagePath), "image/png"),
            new TextContent(question),
        ]));
        Console.WriteLine(response.Text);
        #endregion
        return response.Text;
    }
}
