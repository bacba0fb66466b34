namespace VisPruner.Engine.Generation;

/// <summary>Counts and timings of one request.</summary>
public sealed record GenerationStatistics
{
    /// <summary>Gets the prompt length in tokens, visual tokens included.</summary>
    public int PromptTokens { get; init; }

    /// <summary>Gets the visual tokens the vision encoder produced, over all images.</summary>
    public int VisualTokensBeforePruning { get; init; }

    /// <summary>Gets the visual tokens that reached the language model.</summary>
    public int VisualTokens { get; init; }

    /// <summary>Gets the visual token counts of each image, in request order.</summary>
    public IReadOnlyList<ImageTokenStatistics> Images { get; init; } = [];

    /// <summary>Gets the number of generated tokens.</summary>
    public int CompletionTokens { get; init; }

    /// <summary>Gets the number of images whose features came from the cache instead of the vision encoder.</summary>
    public int CachedImages { get; init; }

    /// <summary>
    /// Gets the prompt tokens that were not prefilled because the request continued an earlier request's generator (its
    /// prompt extended that request's prompt and reply); 0 for a fresh generator.
    /// </summary>
    public int ReusedPromptTokens { get; init; }

    /// <summary>Gets the time spent decoding and preprocessing images.</summary>
    public TimeSpan ImagePreprocessingTime { get; init; }

    /// <summary>Gets the time spent in the vision encoder.</summary>
    public TimeSpan VisionTime { get; init; }

    /// <summary>Gets the time spent choosing which visual tokens to keep.</summary>
    public TimeSpan PruningTime { get; init; }

    /// <summary>Gets the time of the prompt pass (embedding and decoder prefill of the tokens not reused).</summary>
    public TimeSpan PrefillTime { get; init; }

    /// <summary>Gets the time spent generating tokens after the first.</summary>
    public TimeSpan DecodeTime { get; init; }

    /// <summary>Gets the time from the start of the request to the first generated token.</summary>
    public TimeSpan TimeToFirstToken { get; init; }

    /// <summary>Gets the largest size, in bytes, the key/value cache reached.</summary>
    public long PeakKvCacheBytes { get; init; }

    /// <summary>Gets the generated tokens per second after the first token.</summary>
    public double DecodeTokensPerSecond => CompletionTokens > 1 && DecodeTime > TimeSpan.Zero ? (CompletionTokens - 1) / DecodeTime.TotalSeconds : 0;
}

/// <summary>The visual tokens of one image.</summary>
/// <param name="VisualTokensBeforePruning">Rows the vision encoder produced (content tokens and separators).</param>
/// <param name="VisualTokens">Rows that reached the language model.</param>
/// <param name="FromCache">Whether the features came from the cache instead of the vision encoder.</param>
public sealed record ImageTokenStatistics(int VisualTokensBeforePruning, int VisualTokens, bool FromCache);
