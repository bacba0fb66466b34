using Microsoft.Extensions.AI;

namespace VisPruner.AgentExample;

/// <summary>
/// The smallest useful tool-invocation loop over <see cref="AIFunction"/> (what FunctionInvokingChatClient does in the
/// Microsoft.Extensions.AI package): ask, run the functions the model calls, send their results back, repeat.
/// </summary>
internal static class ToolLoop
{
    public static async Task<ChatResponse> RunAsync(
        Func<int, IChatClient> clientForRound, List<ChatMessage> conversation, ChatOptions options, int maxRounds, CancellationToken cancellationToken)
    {
        for (int round = 0; ; round++)
        {
            var updates = new List<ChatResponseUpdate>();
            await foreach (ChatResponseUpdate update in clientForRound(round).GetStreamingResponseAsync(conversation, options, cancellationToken))
            {
                Console.Write(update.Text);
                updates.Add(update);
            }

            Console.WriteLine();
            ChatResponse response = updates.ToChatResponse();
            conversation.AddMessages(response);
            List<FunctionCallContent> calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count == 0 || round + 1 == maxRounds)
            {
                return response;
            }

            var results = new List<AIContent>();
            foreach (FunctionCallContent call in calls)
            {
                results.Add(await InvokeAsync(call, options, cancellationToken));
            }

            conversation.Add(new ChatMessage(ChatRole.Tool, results));
        }
    }

    // Errors go back to the model as results, so it can correct itself instead of the loop failing.
    private static async Task<FunctionResultContent> InvokeAsync(FunctionCallContent call, ChatOptions options, CancellationToken cancellationToken)
    {
        Console.WriteLine($"  -> {call.Name}({string.Join(", ", call.Arguments?.Select(a => $"{a.Key}: {a.Value}") ?? [])})");
        if (call.Exception is not null)
        {
            return new FunctionResultContent(call.CallId, $"Error: the call could not be read ({call.Exception.Message}).");
        }

        if (options.Tools?.OfType<AIFunction>().FirstOrDefault(f => f.Name == call.Name) is not { } function)
        {
            return new FunctionResultContent(call.CallId, $"Error: there is no function named '{call.Name}'.");
        }

        try
        {
            object? result = await function.InvokeAsync(new AIFunctionArguments(call.Arguments), cancellationToken);
            Console.WriteLine($"  <- {result}");
            return new FunctionResultContent(call.CallId, result);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new FunctionResultContent(call.CallId, $"Error: {ex.Message}") { Exception = ex };
        }
    }
}
