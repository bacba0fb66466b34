using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisPruner.Engine;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;
using VisPruner.Extensions.AI.Chat;
using VisPruner.Extensions.AI.Conversion;
using VisPruner.Extensions.AI.Telemetry;
using VisPruner.Extensions.AI.Tools;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Extensions.AI;

/// <summary>
/// A Microsoft.Extensions.AI <see cref="IChatClient"/> over a local multimodal model with VisPruner visual-token
/// pruning: usable from Semantic Kernel, Microsoft Agent Framework and any Microsoft.Extensions.AI pipeline.
/// </summary>
/// <remarks>
/// <para>
/// Messages may hold text, images (<see cref="DataContent"/> with an <c>image/*</c> media type, <see cref="UriContent"/>
/// with a <c>file:</c> URI, or <c>http(s)</c> when <see cref="VisPrunerChatClientOptions.AllowRemoteImageUris"/> is set),
/// function calls and function results. Tools given as <see cref="AIFunctionDeclaration"/>s are described to the model in
/// its family's format, and calls in the reply come back as <see cref="FunctionCallContent"/> with
/// <see cref="ChatFinishReason.ToolCalls"/>; the client does not invoke functions itself. With
/// <see cref="VisPrunerChatClientOptions.ConstrainReplies"/> (the default) calls and JSON replies are constrained while decoding
/// and always finish, within <see cref="VisPrunerChatClientOptions.StructuredOutput"/>'s bounds, even past the token limit;
/// otherwise a call cut off by the token limit is dropped, and the reply finishes with <see cref="ChatFinishReason.Length"/>.
/// </para>
/// <para>
/// The client is stateless (send the whole history each time) and thread-safe: any number of callers may use it at
/// once; the engine runs their requests one at a time in arrival order. Cancellation stops a request while it waits,
/// while images are read and between generated tokens.
/// </para>
/// </remarks>
public sealed partial class VisPrunerChatClient : IChatClient
{
    /// <summary>
    /// The name of the client's <see cref="System.Diagnostics.Metrics.Meter"/> (the <c>vispruner.*</c> histograms) and
    /// <see cref="DiagnosticListener"/> (event <c>ResponseCompleted</c>, whose payload is each request's last
    /// <see cref="ChatResponseUpdate"/>).
    /// </summary>
    /// <remarks>
    /// The client starts no span of its own: chain <c>UseOpenTelemetry()</c> for the OpenTelemetry GenAI chat span and
    /// <c>gen_ai.*</c> metrics, and the client adds its <c>vispruner.*</c> tags to that span.
    /// </remarks>
    public const string TelemetrySourceName = "VisPruner.Extensions.AI";

    private readonly MultimodalEngine _engine;
    private readonly bool _ownsEngine;
    private readonly VisPrunerChatClientOptions _settings;
    private readonly ToolCallMarkup _markup;
    private readonly ChatClientMetadata _metadata;
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="VisPrunerChatClient"/> class over a loaded engine, which the caller keeps owning.</summary>
    /// <param name="engine">The engine; it must outlive the client.</param>
    /// <param name="options">
    /// Client settings; null for the defaults. <see cref="VisPrunerChatClientOptions.ModelFolder"/> is not read (the engine is
    /// loaded), and <see cref="VisPrunerChatClientOptions.Engine"/>'s pruning should match the engine's, as per-request
    /// overrides start from it.
    /// </param>
    /// <param name="logger">Where to log; null for none.</param>
    public VisPrunerChatClient(MultimodalEngine engine, VisPrunerChatClientOptions? options = null, ILogger<VisPrunerChatClient>? logger = null)
        : this(engine, ownsEngine: false, options ?? new VisPrunerChatClientOptions(), logger)
    {
    }

    private VisPrunerChatClient(MultimodalEngine engine, bool ownsEngine, VisPrunerChatClientOptions settings, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _ownsEngine = ownsEngine;
        _settings = settings;
        _markup = ToolCallMarkup.Of(engine.ChatTemplate);
        _logger = logger ?? NullLogger.Instance;
        string folder = Path.GetFullPath(engine.ModelFolder);
        ModelId = string.IsNullOrWhiteSpace(settings.ModelId) ? new DirectoryInfo(folder).Name : settings.ModelId;
        _metadata = new ChatClientMetadata(ChatTelemetry.ProviderName, new Uri(Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar), ModelId);
    }

    /// <summary>Gets the model id reported on responses.</summary>
    public string ModelId { get; }

    /// <summary>Gets the engine the client runs on.</summary>
    public MultimodalEngine Engine => _engine;

    /// <summary>Loads <see cref="VisPrunerChatClientOptions.ModelFolder"/> and returns a client that owns the engine (disposing the client releases it).</summary>
    /// <param name="options">The settings; <see cref="VisPrunerChatClientOptions.ModelFolder"/> is required.</param>
    /// <param name="loggerFactory">Where the client and engine log; null for none.</param>
    /// <param name="cancellationToken">Cancels loading.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it), for example a missing model folder.</exception>
    /// <exception cref="Engine.ModelFolders.ModelFolderException">The model folder is malformed.</exception>
    public static async Task<VisPrunerChatClient> LoadAsync(VisPrunerChatClientOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        MultimodalEngine engine = await MultimodalEngine.LoadAsync(options.ModelFolder, options.Engine, loggerFactory, cancellationToken).ConfigureAwait(false);
        try
        {
            return new VisPrunerChatClient(engine, ownsEngine: true, options, loggerFactory?.CreateLogger<VisPrunerChatClient>());
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">A message holds content, a role or a tool the client does not support (the message names it).</exception>
    /// <exception cref="ArgumentException">A message or setting is invalid.</exception>
    /// <exception cref="PromptTooLongException">The prompt does not fit the model's context length.</exception>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        // Read before the first yield: the iterator resumes in its consumer's context, which need not hold the span.
        Activity? chatSpan = ChatTelemetry.CurrentChatSpan();
        PreparedChat chat = await ChatRequestBuilder.BuildAsync(messages, options, _settings, this, cancellationToken).ConfigureAwait(false);

        var response = new ResponseIdentity(ModelId);
        LogStarted(_logger, response.ResponseId, chat.Request.Messages.Count, chat.Request.Images.Count, chat.Request.Tools.Count);

        ToolCallStreamFilter? filter = chat.ToolsOffered ? new ToolCallStreamFilter(_markup) : null;
        GenerationUpdate? final = null;
        IAsyncEnumerator<GenerationUpdate> updates = _engine.GenerateAsync(chat.Request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (await MoveNextAsync(updates).ConfigureAwait(false))
            {
                GenerationUpdate update = updates.Current;
                string text = filter is null ? update.Text : filter.Push(update);
                if (text.Length > 0)
                {
                    yield return response.Update([new TextContent(text)], update);
                }

                final = update.IsFinal ? update : final;
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }

        if (final?.Statistics is not { } statistics)
        {
            throw new InvalidOperationException("The engine ended the response without its final update.");
        }

        var contents = new List<AIContent>();
        var finishReason = final.FinishReason == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
        if (filter is not null)
        {
            // Held markup means no text is pending: the text still to show is what surrounds the calls.
            (string text, IReadOnlyList<GenerationUpdate> markup) = filter.Complete();
            if (markup.Count > 0 && final.FinishReason == FinishReason.Length && _markup.EndsInsideBlock(markup))
            {
                // A call cut off by the token limit has incomplete arguments: running it, or asking the model to fix
                // it within the same limit, would fail again. The reply ends as truncated, without calls.
                LogTruncatedToolCall(_logger, response.ResponseId, statistics.CompletionTokens);
            }
            else if (markup.Count > 0)
            {
                (List<FunctionCallContent> calls, text) = ToolCallReader.Read(markup, _engine.ChatTemplate, _markup, chat.SingleToolCall);
                contents.AddRange(calls);
                finishReason = calls.Count > 0 ? ChatFinishReason.ToolCalls : finishReason;
            }

            if (text.Length > 0)
            {
                contents.Insert(0, new TextContent(text));
            }
        }

        contents.Add(new UsageContent(UsageMapper.ToUsage(statistics)));
        ChatTelemetry.Record(chatSpan, ModelId, statistics);
        LogFinished(_logger, response.ResponseId, finishReason.Value, statistics.PromptTokens, statistics.CompletionTokens, statistics.VisualTokensBeforePruning, statistics.VisualTokens);
        ChatResponseUpdate last = response.Update(contents, final);
        last.FinishReason = finishReason;
        last.AdditionalProperties = UsageMapper.ToResponseProperties(statistics);
        ChatTelemetry.Completed(last);
        yield return last;
    }

    /// <summary>
    /// Returns which visual tokens of <paramref name="image"/> a request with <paramref name="options"/> would keep: the
    /// same budget a chat request computes (engine default, the image's <c>detail</c>, then the <c>vispruner.*</c>
    /// properties), without generating anything. The image's features land in the vision cache, so asking about it
    /// afterwards skips the vision encoder.
    /// </summary>
    /// <param name="image">The image, as a chat message would carry it (<see cref="DataContent"/> or <see cref="UriContent"/>).</param>
    /// <param name="options">The request's options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The image's token layout and the kept rows.</returns>
    /// <exception cref="NotSupportedException">The content is not an image the client reads.</exception>
    /// <exception cref="ArgumentException">The image's <c>detail</c> or a pruning property is invalid.</exception>
    public async Task<VisualTokenSelection> SelectVisualTokensAsync(AIContent image, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!ImageSources.IsImage(image))
        {
            throw new NotSupportedException($"{image.GetType().Name} is not image content: use DataContent or UriContent with an image/* media type.");
        }

        GenerationOptions generation = GenerationOptionsMapper.Map(options, _settings, ImageDetails.Of(image), this);
        ImageInput input = await ImageSources.ReadAsync(image, _settings, cancellationToken).ConfigureAwait(false);
        return await _engine.SelectVisualTokensAsync(input, generation.Pruning, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(MultimodalEngine) ? _engine
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Releases the engine if the client loaded it (<see cref="LoadAsync"/>); an engine passed in stays with its owner.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsEngine)
        {
            _engine.Dispose();
        }
    }

    private async ValueTask<bool> MoveNextAsync(IAsyncEnumerator<GenerationUpdate> updates)
    {
        try
        {
            return await updates.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (ex is OperationCanceledException)
            {
                LogCancelled(_logger);
            }
            else
            {
                LogFailed(_logger, ex);
            }

            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Chat {ResponseId}: {Turns} turns, {Images} images, {Tools} tools.")]
    private static partial void LogStarted(ILogger logger, string responseId, int turns, int images, int tools);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Chat {ResponseId} finished ({FinishReason}): {PromptTokens} prompt and {CompletionTokens} completion tokens; visual tokens {VisualTokensBefore} -> {VisualTokens}.")]
    private static partial void LogFinished(ILogger logger, string responseId, string finishReason, int promptTokens, int completionTokens, int visualTokensBefore, int visualTokens);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Chat {ResponseId}: the token limit ({CompletionTokens} tokens) cut a tool call off; it was dropped and the reply ends with finish reason length. Raise MaxOutputTokens.")]
    private static partial void LogTruncatedToolCall(ILogger logger, string responseId, int completionTokens);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A chat request was cancelled.")]
    private static partial void LogCancelled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A chat request failed.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
