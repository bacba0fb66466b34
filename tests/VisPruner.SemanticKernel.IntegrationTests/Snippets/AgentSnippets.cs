using System.Text;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace VisPruner.SemanticKernel.IntegrationTests.Snippets;

/// <summary>
/// The Microsoft.Extensions.AI and Agent Framework code the READMEs show, region by region (ReadmeTests checks that they
/// quote it unchanged). Each method is run by a test on a real engine.
/// </summary>
public static class AgentSnippets
{
    public static async Task<string> ChatClientAsync(string modelFolder, string imagePath)
    {
        #region chat-client
        var text = new StringBuilder();
        using VisPrunerChatClient chat = await VisPrunerChatClient.LoadAsync(new VisPrunerChatClientOptions { ModelFolder = modelFolder });

        ChatMessage question = new(ChatRole.User,
        [
            new DataContent(await File.ReadAllBytesAsync(imagePath), "image/png"),
            new TextContent("What is in this picture?"),
        ]);
        await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync([question], new ChatOptions { MaxOutputTokens = 256 }))
        {
            Console.Write(update.Text);
            text.Append(update.Text);
        }
        #endregion
        return text.ToString();
    }

    public static async Task<ChatResponse> FunctionInvocationAsync(IChatClient visPruner, string imagePath)
    {
        #region function-invocation
        IChatClient client = visPruner.AsBuilder().UseFunctionInvocation().Build();
        ChatMessage question = new(ChatRole.User,
        [
            new DataContent(await File.ReadAllBytesAsync(imagePath), "image/png"),
            new TextContent("What kind of building is this?"),
        ]);

        ChatResponse response = await client.GetResponseAsync([question], new ChatOptions
        {
            Tools = [AIFunctionFactory.Create(BuildingPlugin.LookupBuilding, "lookup_building")],
            MaxOutputTokens = 256,
        });
        Console.WriteLine(response.Text);
        #endregion
        return response;
    }

    public static async Task<(AgentResponse Answer, List<AgentResponseUpdate> Streamed)> AgentFrameworkAsync(IChatClient chatClient, string imagePath)
    {
        #region agent-framework
        AIAgent agent = new ChatClientAgent(chatClient,
            instructions: "You help estate agents describe buildings.",
            name: "Describer",
            tools: [AIFunctionFactory.Create(BuildingPlugin.LookupBuilding, "lookup_building")]);
        ChatMessage question = new(ChatRole.User,
        [
            new DataContent(await File.ReadAllBytesAsync(imagePath), "image/png"),
            new TextContent("What kind of building is this?"),
        ]);

        AgentResponse answer = await agent.RunAsync(question);
        Console.WriteLine(answer.Text);

        var streamed = new List<AgentResponseUpdate>();
        await foreach (AgentResponseUpdate update in agent.RunStreamingAsync(question))
        {
            Console.Write(update.Text);
            streamed.Add(update);
        }
        #endregion
        return (answer, streamed);
    }
}
