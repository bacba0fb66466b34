using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using VisPruner.CopilotServer.Tests.Infrastructure;

namespace VisPruner.CopilotServer.Tests.Clients;

/// <summary>The official OpenAI .NET client, pointed at a test server.</summary>
public static class OpenAIClients
{
    public static OpenAIClient For(TestServer server) =>
        new(new ApiKeyCredential("not-needed"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1") });

    public static ChatClient Chat(TestServer server) => For(server).GetChatClient(server.Model);

    /// <summary>What a stream said: the text, the tool calls assembled from their deltas, and the updates themselves.</summary>
    public static async Task<StreamedCompletion> StreamAsync(ChatClient client, IEnumerable<ChatMessage> messages, ChatCompletionOptions options)
    {
        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (StreamingChatCompletionUpdate update in client.CompleteChatStreamingAsync(messages, options))
        {
            updates.Add(update);
        }

        var calls = new SortedDictionary<int, (string Id, string Name, string Arguments)>();
        foreach (StreamingChatToolCallUpdate call in updates.SelectMany(u => u.ToolCallUpdates))
        {
            (string id, string name, string arguments) = calls.GetValueOrDefault(call.Index, ("", "", ""));
            calls[call.Index] = (id + call.ToolCallId, name + call.FunctionName, arguments + call.FunctionArgumentsUpdate?.ToString());
        }

        return new StreamedCompletion(
            string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text)),
            [.. calls.Values],
            updates);
    }
}

public sealed record StreamedCompletion(string Text, IReadOnlyList<(string Id, string Name, string Arguments)> Calls, IReadOnlyList<StreamingChatCompletionUpdate> Updates)
{
    public ChatFinishReason? FinishReason => Updates.LastOrDefault(u => u.FinishReason is not null)?.FinishReason;

    public ChatTokenUsage? Usage => Updates.LastOrDefault(u => u.Usage is not null)?.Usage;
}
