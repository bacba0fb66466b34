using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VisPruner.Extensions.AI;

namespace VisPruner.SemanticKernel;

/// <summary>
/// Copies what Semantic Kernel's content types have no property for into the additional properties that become their
/// <c>Metadata</c>: the finish reason (key <see cref="FinishReasonKey"/>, as SK's own connectors report it), the reused
/// prompt tokens (<see cref="VisPrunerPropertyNames.ReusedPromptTokens"/>) and the request's pruning figures under their
/// <see cref="VisPrunerPropertyNames"/> keys. Sits directly over the client, so the figures describe the model request
/// that wrote the message, also inside a function-calling loop.
/// </summary>
internal sealed class ResponseMetadataChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    public const string FinishReasonKey = "FinishReason";

    /// <summary>The key under which Semantic Kernel puts a message's usage.</summary>
    public const string UsageKey = "Usage";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ChatResponse response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        if (response.Messages.Count > 0)
        {
            ChatMessage last = response.Messages[^1];
            Annotate(last.AdditionalProperties ??= [], response.FinishReason, response.Usage);
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (ChatResponseUpdate update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            // The client's last update of a request carries both the finish reason and the usage.
            if (update.FinishReason is not null)
            {
                Annotate(update.AdditionalProperties ??= [], update.FinishReason, update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details);
            }

            yield return update;
        }
    }

    private static void Annotate(AdditionalPropertiesDictionary properties, ChatFinishReason? finishReason, UsageDetails? usage)
    {
        if (finishReason is { } reason)
        {
            properties[FinishReasonKey] = reason.Value;
        }

        if (usage?.CachedInputTokenCount is long reused)
        {
            properties[VisPrunerPropertyNames.ReusedPromptTokens] = reused;
        }

        foreach ((string key, long value) in usage?.AdditionalCounts ?? [])
        {
            properties[key] = value;
        }
    }
}
