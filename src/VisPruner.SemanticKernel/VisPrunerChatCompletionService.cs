using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;
using VisPruner.Extensions.AI;

namespace VisPruner.SemanticKernel;

/// <summary>
/// A Semantic Kernel <see cref="IChatCompletionService"/> over a <see cref="VisPrunerChatClient"/>: a local multimodal
/// model with VisPruner visual-token pruning.
/// </summary>
/// <remarks>
/// <para>
/// A <see cref="ChatHistory"/> may hold text, <see cref="ImageContent"/> (bytes with a MIME type, a data URI, or a
/// <c>file:</c> URI), and the function calls and results of earlier turns. Settings come as
/// <see cref="VisPrunerPromptExecutionSettings"/> or any <see cref="PromptExecutionSettings"/> (converted with
/// <see cref="VisPrunerPromptExecutionSettings.FromExecutionSettings"/>).
/// </para>
/// <para>
/// With a <see cref="FunctionChoiceBehavior"/> and a kernel, Semantic Kernel's own function-invocation layer runs the
/// loop: the kernel functions the model calls are invoked (auto function invocation filters included), their results
/// go back to the model, and the answer is its final message; the calls and results are added to the history. Set
/// <c>autoInvoke: false</c> on the behavior to receive the calls instead.
/// </para>
/// <para>
/// Each message's <see cref="KernelContent.Metadata"/> holds <c>Usage</c> (a <see cref="UsageDetails"/>, whose
/// <see cref="UsageDetails.CachedInputTokenCount"/> counts the prompt tokens reused from an earlier turn; summed over
/// the model requests of a call when functions ran), <c>FinishReason</c>, and the figures of the request that wrote the
/// message under their <see cref="VisPrunerPropertyNames"/> keys, for example <see cref="VisPrunerPropertyNames.VisualTokens"/>,
/// <see cref="VisPrunerPropertyNames.ReusedPromptTokens"/> and <see cref="VisPrunerPropertyNames.TimeToFirstTokenMicroseconds"/>.
/// Streaming reports them on the last update of each request, with that request's <c>Usage</c>.
/// </para>
/// <para>The service is thread-safe and does not own the client: dispose the client (or its container) to release the model.</para>
/// </remarks>
public sealed class VisPrunerChatCompletionService : IChatCompletionService
{
    private readonly IChatCompletionService _inner;

    /// <summary>Initializes a new instance of the <see cref="VisPrunerChatCompletionService"/> class.</summary>
    /// <param name="client">The chat client; it must outlive the service.</param>
    /// <param name="loggerFactory">Where the function-invocation layer logs; null for none.</param>
    /// <param name="functionInvocationServices">Services handed to invoked functions through their arguments; null for none.</param>
    public VisPrunerChatCompletionService(VisPrunerChatClient client, ILoggerFactory? loggerFactory = null, IServiceProvider? functionInvocationServices = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
        IChatClient pipeline = new ResponseMetadataChatClient(client)
            .AsBuilder()
            .UseKernelFunctionInvocation(loggerFactory)
            .Build(functionInvocationServices);
        _inner = pipeline.AsChatCompletionService(functionInvocationServices);
        Attributes = new Dictionary<string, object?>
        {
            [AIServiceExtensions.ModelIdKey] = client.ModelId,
            [AIServiceExtensions.EndpointKey] = client.GetService<ChatClientMetadata>()?.ProviderUri?.ToString(),
        };
    }

    /// <summary>Gets the chat client the service runs on.</summary>
    public VisPrunerChatClient Client { get; }

    /// <summary>Gets the model id (<see cref="AIServiceExtensions.ModelIdKey"/>) and the model folder as a <c>file:</c> URI (<see cref="AIServiceExtensions.EndpointKey"/>).</summary>
    public IReadOnlyDictionary<string, object?> Attributes { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A message or setting is invalid (the message names it).</exception>
    /// <exception cref="NotSupportedException">The history holds content the model cannot take.</exception>
    public async Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        CheckImages(chatHistory);
        VisPrunerPromptExecutionSettings settings = VisPrunerPromptExecutionSettings.FromExecutionSettings(executionSettings);
        int known = chatHistory.Count;
        IReadOnlyList<ChatMessageContent> results = await _inner.GetChatMessageContentsAsync(chatHistory, settings, kernel, cancellationToken).ConfigureAwait(false);
        KernelFunctionNames.Split(chatHistory.Skip(known).Concat(results), kernel);
        return results;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A message or setting is invalid (the message names it).</exception>
    /// <exception cref="NotSupportedException">The history holds content the model cannot take.</exception>
    public IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        CheckImages(chatHistory);
        return StreamAsync(chatHistory, VisPrunerPromptExecutionSettings.FromExecutionSettings(executionSettings), kernel, cancellationToken);
    }

    // SK cannot turn image bytes without a MIME type into a data URI and would fail deep inside with no hint of which message.
    private static void CheckImages(ChatHistory chatHistory)
    {
        ArgumentNullException.ThrowIfNull(chatHistory);
        for (int i = 0; i < chatHistory.Count; i++)
        {
            if (chatHistory[i].Items.OfType<ImageContent>().Any(image => image.Uri is null && string.IsNullOrEmpty(image.MimeType)))
            {
                throw new ArgumentException(
                    $"Message {i} holds an ImageContent with bytes but no MimeType; set it (for example \"image/png\").", nameof(chatHistory));
            }
        }
    }

    private async IAsyncEnumerable<StreamingChatMessageContent> StreamAsync(
        ChatHistory chatHistory, VisPrunerPromptExecutionSettings settings, Kernel? kernel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int known = chatHistory.Count;
        await foreach (StreamingChatMessageContent update in _inner.GetStreamingChatMessageContentsAsync(chatHistory, settings, kernel, cancellationToken).ConfigureAwait(false))
        {
            // SK's streaming bridge reports usage as the UsageContent item, its non-streaming bridge as UsageDetails: report one type.
            if (update.Metadata?.GetValueOrDefault(ResponseMetadataChatClient.UsageKey) is UsageContent usage)
            {
                update.Metadata = new Dictionary<string, object?>(update.Metadata) { [ResponseMetadataChatClient.UsageKey] = usage.Details };
            }

            yield return update;
        }

        // Streaming adds the calls and results of invoked functions to the history as they happen.
        KernelFunctionNames.Split(chatHistory.Skip(known), kernel);
    }
}
