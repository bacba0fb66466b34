using System.Diagnostics;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;
using VisPruner.Engine.Sampling;
using VisPruner.Tokenizers;
using VisPruner.Tokenizers.Streaming;

namespace VisPruner.Engine.Generation;

/// <summary>
/// Runs one request from prepared prompt to finish: prompt pass, then sample, stream and check stop conditions token by token.
/// </summary>
internal sealed class GenerationLoop(IMultimodalPipeline pipeline, GenAiConfig config)
{
    /// <summary>Runs <paramref name="request"/>, handing each update to <paramref name="emit"/> (which must not block).</summary>
    public async Task RunAsync(GenerationRequest request, Action<GenerationUpdate> emit, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        int contextLength = Math.Min(config.Model.ContextLength, config.Search.MaxLength);
        PreparedPrompt prompt = await pipeline.PrepareAsync(request, contextLength, cancellationToken).ConfigureAwait(false);
        await DedicatedThread.Run(() => Generate(request.Options, prompt, contextLength, start, emit, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private void Generate(
        GenerationOptions options, PreparedPrompt prompt, int contextLength, long start, Action<GenerationUpdate> emit, CancellationToken cancellationToken)
    {
        ModelConfig model = config.Model;
        int room = contextLength - prompt.InputIds.Length;
        int maxNewTokens = options.MaxNewTokens is int requested
            ? requested > 0 ? Math.Min(requested, room) : throw new ArgumentOutOfRangeException(nameof(options), requested, "MaxNewTokens must be positive.")
            : room;

        var sampler = new TokenSampler(model.VocabSize, ResolveSampling(options));
        foreach (long id in prompt.InputIds)
        {
            sampler.Observe((int)id);
        }

        Tokenizer tokenizer = pipeline.Tokenizer;
        StreamingDecoder text = tokenizer.CreateStreamingDecoder(skipSpecialTokens: true);
        var stops = new StopSequenceMatcher(options.StopSequences);
        var eos = new HashSet<int>(model.EosTokenIds);

        using DecoderState state = pipeline.LanguageModel.CreateState(prompt.InputIds.Length + maxNewTokens);
        long prefillStart = Stopwatch.GetTimestamp();
        Span<float> logits = state.Prefill(prompt.InputIds, prompt.ImageFeatures, cancellationToken);
        TimeSpan prefill = Stopwatch.GetElapsedTime(prefillStart);

        int generated = 0;
        TimeSpan firstToken = TimeSpan.Zero;
        long decodeStart = 0;
        FinishReason reason = FinishReason.Length;
        bool stoppedBySequence = false;
        if (options.MinNewTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MinNewTokens, "MinNewTokens must not be negative.");
        }

        while (true)
        {
            if (generated < options.MinNewTokens)
            {
                foreach (int id in model.EosTokenIds)
                {
                    if ((uint)id < (uint)logits.Length)
                    {
                        logits[id] = float.NegativeInfinity;
                    }
                }
            }

            int token = sampler.Next(logits);
            if (generated++ == 0)
            {
                firstToken = Stopwatch.GetElapsedTime(start);
                decodeStart = Stopwatch.GetTimestamp();
            }

            if (eos.Contains(token))
            {
                reason = FinishReason.Stop;
                break;
            }

            sampler.Observe(token);
            (string emitted, bool stopped) = stops.Append(text.Push(token));
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

            if (generated >= maxNewTokens)
            {
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            logits = state.Step(token, cancellationToken);
        }

        string tail = string.Empty;
        if (!stoppedBySequence)
        {
            (tail, bool stopped) = stops.Append(text.Flush());
            tail = stopped ? tail : tail + stops.Flush();
        }

        var statistics = new GenerationStatistics
        {
            PromptTokens = prompt.InputIds.Length,
            VisualTokensBeforePruning = prompt.VisualTokensBeforePruning,
            VisualTokens = prompt.VisualTokens,
            Images = prompt.Images,
            CompletionTokens = generated,
            CachedImages = prompt.CachedImages,
            ImagePreprocessingTime = prompt.ImagePreprocessingTime,
            VisionTime = prompt.VisionTime,
            PruningTime = prompt.PruningTime,
            PrefillTime = prefill,
            DecodeTime = decodeStart == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(decodeStart),
            TimeToFirstToken = firstToken,
            PeakKvCacheBytes = state.KvCacheBytes,
        };
        emit(new GenerationUpdate(tail, reason, statistics));
    }

    private SamplingSettings ResolveSampling(GenerationOptions options)
    {
        SearchConfig search = config.Search;

        // A caller who sets a temperature or nucleus asks to sample, as chat APIs mean it. The folder's top_k/top_p
        // then apply only if the folder itself samples: published greedy configs carry top_k = 1, which would turn
        // every sampled request greedy.
        bool doSample = options.DoSample ?? (options.Temperature is > 0 || options.TopP is not null || options.TopK is > 1 || search.DoSample);
        double temperature = options.Temperature ?? search.Temperature;
        double topP = options.TopP ?? (search.DoSample ? search.TopP : 1.0);
        int topK = options.TopK ?? (search.DoSample ? search.TopK : 0);
        double penalty = options.RepetitionPenalty ?? search.RepetitionPenalty;
        if (temperature < 0 || double.IsNaN(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(options), temperature, "Temperature must be zero or positive.");
        }

        if (!(topP > 0 && topP <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), topP, "TopP must be in (0, 1].");
        }

        if (topK < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), topK, "TopK must be zero (no limit) or positive.");
        }

        if (!(penalty > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), penalty, "RepetitionPenalty must be positive.");
        }

        return new SamplingSettings(doSample, temperature, topK, topP, penalty, options.Seed);
    }
}
