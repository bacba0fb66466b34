using VisPruner.Engine.ChatTemplates;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;

namespace VisPruner.Engine;

/// <summary>
/// Generates text about images with a vision-language model folder prepared for ONNX Runtime GenAI, on ONNX Runtime.
/// </summary>
/// <remarks>
/// <para>
/// The decoder runs on ONNX Runtime GenAI (its generator, search, key/value cache and tokenizer); the vision encoder runs
/// on ONNX Runtime, rewritten to expose its [CLS] attention, and the visual tokens are pruned between the two.
/// Load once and share: the models are loaded at <see cref="LoadAsync"/> and serve every request.
/// </para>
/// <para>
/// Thread safety: any number of callers may call <see cref="GenerateAsync"/> at once. Requests are queued and run one at a
/// time, in arrival order, because one request already uses every core for its matrix products and the key/value cache
/// of each running request holds memory. A caller whose turn has not come can still cancel.
/// </para>
/// <para>
/// Cancellation returns control to the caller at once, wherever the request is. Some native calls cannot be interrupted
/// (the prompt's first pass, which carries the image rows, and a single token step): such a call finishes in the
/// background, and the engine takes the next request once it has returned.
/// </para>
/// </remarks>
public sealed partial class MultimodalEngine : IDisposable
{
    private readonly GenAiModel _model;
    private readonly IMultimodalPipeline _pipeline;
    private readonly GenerationLoop _loop;
    private readonly ArrivalOrderGate _turn = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly MultimodalEngineOptions _options;
    private readonly ILogger _logger;
    private int _disposed;

    private MultimodalEngine(string folder, GenAiConfig config, GenAiModel model, IMultimodalPipeline pipeline, MultimodalEngineOptions options, ILogger logger)
    {
        ModelFolder = folder;
        Config = config;
        _model = model;
        _pipeline = pipeline;
        _loop = new GenerationLoop(model, pipeline, config, options);
        _options = options;
        _logger = logger;
    }

    /// <summary>Gets the model folder.</summary>
    public string ModelFolder { get; }

    /// <summary>Gets the folder's configuration.</summary>
    public GenAiConfig Config { get; }

    /// <summary>Gets the model family, <c>model.type</c> (for example <c>phi3v</c>).</summary>
    public string ModelType => Config.Model.Type;

    /// <summary>
    /// Gets the family's chat template: how requests become prompts, where tool calls begin and end, and how a reply is
    /// read back into text and calls.
    /// </summary>
    public IChatTemplate ChatTemplate => _pipeline.Template;

    /// <summary>
    /// Encodes text as message text is encoded in prompts: literally (a special-token string such as <c>&lt;|end|&gt;</c>
    /// stays text), without the tokenizer's leading BOS. Useful to count tokens. Thread-safe.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The token ids.</returns>
    /// <exception cref="ArgumentException">The text holds a NUL character or cannot be encoded.</exception>
    public int[] EncodeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _model.EncodeContent(text);
    }

    /// <summary>Loads a model folder.</summary>
    /// <param name="modelFolder">The folder with <c>genai_config.json</c>, the ONNX files, tokenizer and processor configuration.</param>
    /// <param name="options">Execution settings; null for the defaults.</param>
    /// <param name="loggerFactory">Where to log; null for none.</param>
    /// <param name="cancellationToken">Cancels loading.</param>
    /// <returns>The engine.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelFolder"/> is empty, or an option is out of range.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file the folder needs is missing.</exception>
    /// <exception cref="ModelFolderException">
    /// A file is malformed (the exception names it): the configuration has a missing or inconsistent field or an unsupported
    /// <c>model.type</c>, a model lacks the tensors the configuration names, or ONNX Runtime (GenAI) rejects a file.
    /// </exception>
    /// <exception cref="NotSupportedException">
    /// The execution provider is not in the loaded native ONNX Runtime build, or no native ONNX Runtime GenAI package is
    /// referenced (the message names the packages to choose from).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<MultimodalEngine> LoadAsync(
        string modelFolder, MultimodalEngineOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFolder);
        options ??= new MultimodalEngineOptions();
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        if (!Directory.Exists(modelFolder))
        {
            throw new DirectoryNotFoundException($"The model folder {modelFolder} does not exist.");
        }

        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MultimodalEngine>();
        GenAiConfig config = GenAiConfig.Load(Path.Combine(modelFolder, GenAiConfig.FileName));
        Families.IModelFamily family = ModelFamilies.RequireSupported(config);
        ConfiguredFile.RequireAll(modelFolder, config);
        DecoderDeclarations.Check(modelFolder, config.Model);
        family.CheckFolder(modelFolder, config);
        GenAiModel model;
        try
        {
            // The first native calls: where a missing native package shows.
            NativeTelemetry.Configure(options.EnableOnnxRuntimeTelemetry);
            model = await DedicatedThread.Run(() => GenAiModel.Load(modelFolder, config, options), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (NativeLibraries.AreMissing(ex))
        {
            throw NativeLibraries.Missing(ex);
        }

        try
        {
            ToolCallTokenCheck.Require(model, family.Template);
            IMultimodalPipeline pipeline = await family.LoadPipelineAsync(modelFolder, config, model, options, logger, cancellationToken).ConfigureAwait(false);
            LogLoaded(logger, config.Model.Type, modelFolder, options.ExecutionProvider);
            return new MultimodalEngine(modelFolder, config, model, pipeline, options, logger);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Generates a response to <paramref name="request"/>, streamed as it is produced.</summary>
    /// <param name="request">The conversation, its images and generation settings.</param>
    /// <param name="cancellationToken">
    /// Stops the request, also while it waits for its turn or inside a model run: the enumeration ends with
    /// <see cref="OperationCanceledException"/> at once, while a native call that cannot be interrupted finishes in the
    /// background (it may still read the request's image bytes until then).
    /// </param>
    /// <returns>Text pieces; the last update carries the finish reason and statistics.</returns>
    /// <exception cref="ArgumentException">The request is inconsistent (image count, settings out of range).</exception>
    /// <exception cref="RequestLimitExceededException">
    /// The request exceeds a cap of <see cref="MultimodalEngineOptions.ImageLimits"/> (images, pixels, bytes, aspect
    /// ratio), checked from the image headers before anything is decoded.
    /// </exception>
    /// <exception cref="PromptTooLongException">The prompt does not fit the context length, even with the most pruning.</exception>
    /// <exception cref="Imaging.UnsupportedImageFormatException">An image is in a format the decoder does not read (named).</exception>
    /// <exception cref="Imaging.InvalidImageException">An image cannot be decoded.</exception>
    /// <exception cref="FileNotFoundException">An <see cref="ImageInput.FromFile(string)"/> image does not exist.</exception>
    /// <exception cref="OperationCanceledException">The request was cancelled; the engine stays usable.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        var updates = Channel.CreateUnbounded<GenerationUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        // The place in the queue is taken here, synchronously, so requests run in the order they arrive.
        Task turn = _turn.EnterAsync(linked.Token);
        Task producer = Task.Run(() => ProduceAsync(turn, request, updates.Writer, linked.Token), CancellationToken.None);
        try
        {
            await foreach (GenerationUpdate update in updates.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return update;

                // Once the caller cancels, it gets OperationCanceledException even if updates are still queued.
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            // A caller that stops enumerating early stops the request too. Neither it nor a caller that cancelled waits
            // for the producer: a native call that cannot be interrupted may run for a second more, and the producer keeps
            // the engine's turn until it returns. The token source lives as long as the producer uses it.
            await linked.CancelAsync().ConfigureAwait(false);
            _ = producer.ContinueWith(
                static (_, source) => ((CancellationTokenSource)source!).Dispose(), linked, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Generates a whole response.</summary>
    /// <param name="request">The conversation, its images and generation settings.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The text, finish reason and statistics.</returns>
    public async Task<GenerationResult> CompleteAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var text = new System.Text.StringBuilder();
        await foreach (GenerationUpdate update in GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            text.Append(update.Text);
            if (update.IsFinal)
            {
                return new GenerationResult(text.ToString(), update.FinishReason!.Value, update.Statistics!);
            }
        }

        throw new InvalidOperationException("The response ended without a final update.");
    }

    /// <summary>
    /// Encodes one image and returns which of its visual tokens a pruning setting keeps, without generating anything
    /// (the features land in the cache, so asking about the image afterwards skips the vision encoder).
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="pruning">The pruning setting; null for the engine's default.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The image's token layout and the kept rows.</returns>
    /// <exception cref="NotSupportedException">
    /// The model family's token layout has no description yet: selections are described for <c>phi3v</c> only.
    /// </exception>
    public async Task<Pruning.VisualTokenSelection> SelectVisualTokensAsync(
        ImageInput image, Pruning.VisualTokenPruningOptions? pruning = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        RequestImage[] read = await RequestImages.ReadAsync([image], _options.ImageLimits, linked.Token).ConfigureAwait(false);
        await _turn.EnterAsync(linked.Token).ConfigureAwait(false);
        try
        {
            return await _pipeline.SelectAsync(read[0], pruning, linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _turn.Exit();
        }
    }

    /// <summary>Releases the models; running and queued requests are cancelled.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _disposing.Cancel();

        // Wait for a running request to leave the models before releasing them (queued ones leave on cancellation). A
        // request whose caller has gone holds the turn until its native call returns, so this waits for that call too.
        _turn.EnterAsync(CancellationToken.None).GetAwaiter().GetResult();
        _loop.Dispose();
        _pipeline.Dispose();
        _model.Dispose();
        _disposing.Dispose();
    }

    /// <summary>
    /// Runs a request from admission to its end and completes <paramref name="writer"/> with the outcome. Never throws: once
    /// the caller has cancelled, nobody reads the outcome, so a failure of the remaining work is only logged.
    /// </summary>
    private async Task ProduceAsync(Task turn, GenerationRequest request, ChannelWriter<GenerationUpdate> writer, CancellationToken cancellationToken)
    {
        try
        {
            AdmittedRequest admitted;
            try
            {
                admitted = await _loop.AdmitAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Refused before its turn came: give the place back once it does.
                _ = turn.ContinueWith(t => _turn.Exit(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                throw;
            }

            await turn.ConfigureAwait(false);
            try
            {
                await _loop.RunAsync(admitted, update => writer.TryWrite(update), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _turn.Exit();
            }

            writer.TryComplete();
        }
        catch (Exception ex)
        {
            if (ex is OperationCanceledException)
            {
                LogCancelled(_logger);
            }
            else if (cancellationToken.IsCancellationRequested)
            {
                LogFailedAfterCancellation(_logger, ex);
            }

            writer.TryComplete(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {ModelType} model from {Folder} on {Provider}.")]
    private static partial void LogLoaded(ILogger logger, string modelType, string folder, ExecutionProvider provider);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A generation request was cancelled.")]
    private static partial void LogCancelled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A cancelled generation request failed while it was stopping; its caller had already been released.")]
    private static partial void LogFailedAfterCancellation(ILogger logger, Exception exception);
}
