using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using VisPruner.CopilotServer.Tests.Infrastructure;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;
using VisPruner.SemanticKernel.IntegrationTests.Snippets;

namespace VisPruner.CopilotServer.Tests.Clients;

/// <summary>Semantic Kernel's OpenAI connector against the server, with a plugin and <c>FunctionChoiceBehavior.Auto()</c>.</summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class SemanticKernelClientTests(ScriptedModels models)
{
    // SK's OpenAI connector names a plugin's functions plugin-function.
    private const string Function = "buildings-lookup_building";

    private static readonly OpenAIPromptExecutionSettings Settings = new() { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(), MaxTokens = 256 };

    private static Kernel KernelFor(TestServer server)
    {
        IKernelBuilder builder = Kernel.CreateBuilder();
#pragma warning disable SKEXP0010 // a custom OpenAI endpoint
        builder.AddOpenAIChatCompletion(server.Model, new Uri(server.BaseAddress, "v1"), apiKey: "not-needed");
#pragma warning restore SKEXP0010
        builder.Plugins.AddFromType<BuildingPlugin>("buildings");
        return builder.Build();
    }

    private static ChatHistory History()
    {
        var history = new ChatHistory();
        history.AddUserMessage([new ImageContent(ScriptedServers.House, "image/png"), new TextContent("What kind of building is this?")]);
        return history;
    }

    [Fact]
    public async Task Auto_function_choice_invokes_the_plugin_and_answers()
    {
        ((ChatMessageContent Answer, ChatHistory History) result, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Call(Function), Replies.Answer],
            model => ScriptedServers.WithServerAsync(model, async server =>
            {
                Kernel kernel = KernelFor(server);
                ChatHistory history = History();
                ChatMessageContent answer = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(history, Settings, kernel);
                return (answer, history);
            }));

        Assert.Equal(Replies.Answer, result.Answer.Content);
        Assert.Contains(result.History.SelectMany(m => m.Items).OfType<FunctionResultContent>(), r => r.Result?.ToString() == Replies.LookupResult);
        Assert.Equal(2, requests.Count);
        Assert.Equal("tool_calls", requests[0].FinishReason);
    }

    [Fact]
    public async Task Streaming_with_auto_function_choice_assembles_the_streamed_call_and_answers()
    {
        ((string Text, ChatHistory History) result, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Call(Function), Replies.Answer],
            model => ScriptedServers.WithServerAsync(model, async server =>
            {
                Kernel kernel = KernelFor(server);
                ChatHistory history = History();
                var text = new System.Text.StringBuilder();
                await foreach (StreamingChatMessageContent update in kernel.GetRequiredService<IChatCompletionService>().GetStreamingChatMessageContentsAsync(history, Settings, kernel))
                {
                    text.Append(update.Content);
                }

                return (text.ToString(), history);
            }));

        Assert.EndsWith(Replies.Answer, result.Text, StringComparison.Ordinal);
        Assert.Contains(result.History.SelectMany(m => m.Items).OfType<FunctionResultContent>(), r => r.Result?.ToString() == Replies.LookupResult);
        Assert.Equal(2, requests.Count);
    }
}
