using System.Diagnostics;
using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;

namespace VisPruner.Engine.Generation;

/// <summary>
/// Runs one request from prepared prompt to finish on an ONNX Runtime GenAI <see cref="Generator"/>: a new generator with
/// the kept image rows as extra inputs (or a finished one continued, when the prompt extends its sequence), the prompt
/// appended, then token by token with stop conditions and streamed text. Used by one request at a time.
/// </summary>
internal sealed class GenerationLoop : IDisposable
{
    private readonly GenAiModel _model;
    private readonly IMultimodalPipeline _pipeline;
    private readonly GenAiConfig _config;
    private readonly MultimodalEngineOptions _options;
    private readonly ContinuableGenerators _finished;
    private readonly ChunkedPrefill _prefill = new();
    private readonly HashSet<int> _eos;
    private readonly Dictionary<int, string> _tags = [];
    private readonly long _kvBytesPerToken;

    public GenerationLoop(GenAiModel model, IMultimodalPipeline pipeline, GenAiConfig config, MultimodalEngineOptions options)
    {
        _model = model;
        _pipeline = pipeline;
        _config = config;
        _options = options;
        _finished = new ContinuableGenerators(options.ContinuableGenerators);
        _eos = [.. config.Model.EosTokenIds];
        IChatTemplate template = pipeline.Template;
        if (template.ToolCallTokens is { } tags)
        {
            _tags[tags.Open] = template.ToolCallOpen;
            _tags[tags.Close] = template.ToolCallClose;
        }

        DecoderConfig decoder = config.Model.Decoder;
        _kvBytesPerToken = 2L * decoder.NumHiddenLayers * decoder.NumKeyValueHeads * decoder.HeadSize * sizeof(float);
    }

    /// <summary>
    /// Checks <paramref name="request"/>'s settings and reads its images, headers checked against the caps: everything
    /// that can be done before the request's turn, so a slow input or a refusal never holds the engine.
    /// </summary>
    public async Task<AdmittedRequest> AdmitAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        SearchSettings settings = SearchSettings.Resolve(request.Options, _config.Search, _options.PastPresentShareBuffer);
        RequestImage[] images = await RequestImages.ReadAsync(request.Images, _options.ImageLimits, cancellationToken).ConfigureAwait(false);
        return new AdmittedRequest(request, settings, images, start);
    }

    /// <summary>Runs an admitted request, handing each update to <paramref name="emit"/> (which must not block).</summary>
    public async Task RunAsync(AdmittedRequest admitted, Action<GenerationUpdate> emit, CancellationToken cancellationToken)
    {
        (GenerationRequest request, SearchSettings settings, RequestImage[] images, long start) = admitted;
        int contextLength = Math.Min(_config.Model.ContextLength, _config.Search.MaxLength);
        PreparedPrompt prompt = await _pipeline.PrepareAsync(request, images, contextLength, cancellationToken).ConfigureAwait(false);
        await DedicatedThread.Run(() => Generate(request.Options, settings, prompt, contextLength, start, emit, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
    }

    public void Dispose() => _finished.Dispose();

    private void Generate(
        GenerationOptions options, SearchSettings settings, PreparedPrompt prompt, int contextLength, long start, Action<GenerationUpdate> emit,
        CancellationToken cancellationToken)
    {
        int[] ids = prompt.InputIds;
        ReplyBudget budget = ReplyBudget.For(options.MaxNewTokens, ids.Length, contextLength, settings.Constraint);
        int needed = ids.Length + budget.Ceiling;
        bool continuable = settings.AllowsContinuation && _options.ContinuableGenerators > 0;
        ContinuableGenerators.Entry? entry = continuable ? _finished.TakeLongestPrefix(ids, prompt.ImageIdentity, settings, needed) : null;
        int reusedTokens = entry?.Tokens.Length ?? 0;
        entry ??= Start(settings, prompt, Math.Min(contextLength, needed + (continuable ? _options.ContinuationHeadroom : 0)));

        bool keep = false;
        Generator generator = entry.Generator;
        try
        {
            long prefillStart = Stopwatch.GetTimestamp();
            _prefill.Append(generator, ids, reusedTokens, prompt.ImagesEnd, cancellationToken);
            TimeSpan prefill = Stopwatch.GetElapsedTime(prefillStart);

            using ReplyDecoder text = _model.CreateReplyDecoder(_tags);
            var stops = new StopSequenceMatcher(options.StopSequences);
            int generated = 0;
            TimeSpan firstToken = TimeSpan.Zero;
            long decodeStart = 0;
            FinishReason reason = FinishReason.Length;
            bool stoppedBySequence = false;
            OpenSpanTracker? spans = budget.Span is null ? null : new OpenSpanTracker(budget.Span);
            // The entry's length covers the prompt plus the budget's ceiling; end-of-sequence ids are checked here.
            while (budget.AllowsMore(generated, spans))
            {
                cancellationToken.ThrowIfCancellationRequested();
                generator.GenerateNextToken();
                int token = generator.GetNextTokens()[0];
                if (generated++ == 0)
                {
                    firstToken = Stopwatch.GetElapsedTime(start);
                    decodeStart = Stopwatch.GetTimestamp();
                }

                if (_eos.Contains(token))
                {
                    reason = FinishReason.Stop;
                    break;
                }

                ReplyPiece piece = text.Decode(token);
                spans?.Add(token, piece.Text);
                if (piece.ControlTokenId is int tag)
                {
                    // A tag is no text: a stop sequence cannot run through it, so the text held for one goes out first.
                    string held = stops.Flush();
                    if (held.Length > 0)
                    {
                        emit(new GenerationUpdate(held));
                    }

                    emit(new GenerationUpdate(piece.Text) { ControlTokenId = tag });
                    continue;
                }

                (string emitted, bool stopped) = stops.Append(piece.Text);
                if (emitted.Length > 0)
                {
                    emit(new GenerationUpdate(emitted));
                }

                if (stopped)
                {
                    reason = FinishReason.Stop;
                    stoppedBySequence = true;
                    break;
                }
            }

            if (reason == FinishReason.Length && !stoppedBySequence)
            {
                budget.ThrowIfCutShort(generated, spans);
            }

            var statistics = new GenerationStatistics
            {
                PromptTokens = ids.Length,
                VisualTokensBeforePruning = prompt.VisualTokensBeforePruning,
                VisualTokens = prompt.VisualTokens,
                Images = prompt.Images,
                CompletionTokens = generated,
                CachedImages = prompt.CachedImages,
                ReusedPromptTokens = reusedTokens,
                ImagePreprocessingTime = prompt.ImagePreprocessingTime,
                VisionTime = prompt.VisionTime,
                PruningTime = prompt.PruningTime,
                PrefillTime = prefill,
                DecodeTime = decodeStart == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(decodeStart),
                TimeToFirstToken = firstToken,
                PeakKvCacheBytes = _kvBytesPerToken * (settings.ShareBuffer ?? _config.Search.PastPresentShareBuffer ? entry.MaxLength : ids.Length + generated),
            };
            emit(new GenerationUpdate(stoppedBySequence ? string.Empty : stops.Flush(), reason, statistics));

            // Only an answer that ended on end-of-sequence can be continued: GenAI leaves that token out of the sequence,
            // so the sequence is exactly what the key/value cache holds. After any other ending the last sampled token is
            // in the sequence but not yet in the cache, and GenAI's next append would not run it.
            if (continuable && reason == FinishReason.Stop && !stoppedBySequence)
            {
                entry = entry with { Tokens = generator.GetSequence(0).ToArray() };
                keep = true;
            }
        }
        finally
        {
            if (keep)
            {
                _finished.Return(entry);
            }
            else
            {
                entry.Dispose();
            }
        }
    }

    /// <summary>A new generator with the prompt's image rows as extra inputs (they apply to its first prompt only).</summary>
    private ContinuableGenerators.Entry Start(SearchSettings settings, PreparedPrompt prompt, int maxLength)
    {
        Generator generator;
        try
        {
            using GeneratorParams parameters = settings.CreateParams(_model.Model, maxLength, prompt.InputIds.Length);
            generator = new Generator(_model.Model, parameters);
        }
        catch (OnnxRuntimeGenAIException ex) when (settings.Constraint is { } constraint)
        {
            throw new ArgumentException($"GenerationOptions.Constraint is not a valid {constraint.Kind}: {ex.Message}", ex);
        }

        PinnedInputs? pins = null;
        try
        {
            pins = _model.Stub.Feed(generator, prompt.ImageFeatures, prompt.ImageTokenCounts);
            return new ContinuableGenerators.Entry(generator, [], prompt.ImageIdentity, settings, maxLength, pins);
        }
        catch
        {
            generator.Dispose();
            pins?.Dispose();
            throw;
        }
    }
}

/// <summary>A request whose settings are checked and whose images are read, waiting for its turn.</summary>
/// <param name="Request">The request.</param>
/// <param name="Settings">Its resolved decoding settings.</param>
/// <param name="Images">Its images, read and identified.</param>
/// <param name="Start">When it arrived (a <see cref="Stopwatch"/> timestamp): time to first token counts from here.</param>
internal sealed record AdmittedRequest(GenerationRequest Request, SearchSettings Settings, RequestImage[] Images, long Start);
