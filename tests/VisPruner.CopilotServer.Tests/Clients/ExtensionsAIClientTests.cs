using Microsoft.Extensions.AI;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;
using VisPruner.SemanticKernel.IntegrationTests.Snippets;

namespace VisPruner.CopilotServer.Tests.Clients;

/// <summary>Microsoft.Extensions.AI's OpenAI adapter (<c>AsIChatClient()</c>) against the server, with function invocation.</summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class ExtensionsAIClientTests(ScriptedModels models)
{
    private static ChatMessage Question => new(ChatRole.User, [new DataContent(ScriptedServers.House, "image/png"), new TextContent("What kind of building is this?")]);

    [Fact]
    public async Task UseFunctionInvocation_runs_the_tool_the_model_calls_and_returns_the_answer()
    {
        (ChatResponse response, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Call("lookup_building"), Replies.Answer],
            model => ScriptedServers.WithServerAsync(model, server =>
            {
                IChatClient client = OpenAIClients.Chat(server).AsIChatClient().AsBuilder().UseFunctionInvocation().Build();
                return client.GetResponseAsync([Question], new ChatOptions
                {
                    Tools = [AIFunctionFactory.Create(BuildingPlugin.LookupBuilding, "lookup_building")],
                    MaxOutputTokens = 256,
                });
            }));

        Assert.Equal(Replies.Answer, response.Messages[^1].Text);
        Assert.Contains(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>(), r => r.Result?.ToString() == Replies.LookupResult);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.True(r.VisualTokens < r.VisualTokensBeforePruning));
        Assert.True(response.Usage?.InputTokenCount >= requests.Sum(r => r.PromptTokens), "usage comes back through the adapter and is summed over the loop");
    }

    [Fact]
    public async Task Streaming_through_the_adapter_gives_the_text_and_the_usage()
    {
        (List<ChatResponseUpdate> updates, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Answer],
            model => ScriptedServers.WithServerAsync(model, async server =>
            {
                IChatClient client = OpenAIClients.Chat(server).AsIChatClient();
                var updates = new List<ChatResponseUpdate>();
                await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync([Question], new ChatOptions { MaxOutputTokens = 256 }))
                {
                    updates.Add(update);
                }

                return updates;
            }));

        Assert.Equal(Replies.Answer, string.Concat(updates.Select(u => u.Text)));
        UsageDetails usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Equal(Assert.Single(requests).PromptTokens, usage.InputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, updates.Last(u => u.FinishReason is not null).FinishReason);
    }
}
