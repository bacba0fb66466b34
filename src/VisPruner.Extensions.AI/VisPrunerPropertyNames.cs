namespace VisPruner.Extensions.AI;

/// <summary>
/// Keys of VisPruner settings in <c>ChatOptions.AdditionalProperties</c> and in a content's <c>AdditionalProperties</c>,
/// of the summable pruning figures in <c>UsageDetails.AdditionalCounts</c> ("Usage"), and of the per-request figures in
/// the response message's <c>AdditionalProperties</c> ("Response"). Semantic Kernel messages carry all of them, for the
/// request that wrote the message, in their <c>Metadata</c>.
/// </summary>
public static class VisPrunerPropertyNames
{
    /// <summary>ChatOptions: content tokens kept per image (int, at least 1).</summary>
    public const string TokensPerImage = "vispruner.tokens_per_image";

    /// <summary>ChatOptions: share of each image's content tokens kept (double in (0, 1]).</summary>
    public const string TokenFraction = "vispruner.token_fraction";

    /// <summary>ChatOptions: VisPruner's important ratio, the share of the budget chosen by [CLS] attention (double in [0, 1]).</summary>
    public const string ImportantRatio = "vispruner.important_ratio";

    /// <summary>ChatOptions: the token selector, a <c>VisualTokenSelectorKind</c> name such as <c>VisPruner</c>, <c>DivPrune</c> or <c>None</c>.</summary>
    public const string Selector = "vispruner.selector";

    /// <summary>ChatOptions: the repetition penalty (double; 1 means none).</summary>
    public const string RepetitionPenalty = "vispruner.repetition_penalty";

    /// <summary>Image content: <c>low</c>, <c>high</c> or <c>auto</c>, as in the OpenAI image detail setting.</summary>
    public const string Detail = "detail";

    /// <summary>Usage: visual tokens the vision encoder produced.</summary>
    public const string VisualTokensBeforePruning = "vispruner.visual_tokens_before_pruning";

    /// <summary>Usage: visual tokens that reached the language model.</summary>
    public const string VisualTokens = "vispruner.visual_tokens";

    /// <summary>Usage: images whose features came from the cache.</summary>
    public const string CachedImages = "vispruner.cached_images";

    /// <summary>Usage: microseconds spent decoding and preprocessing images.</summary>
    public const string ImagePreprocessingMicroseconds = "vispruner.image_preprocessing_us";

    /// <summary>Usage: microseconds in the vision encoder.</summary>
    public const string VisionMicroseconds = "vispruner.vision_us";

    /// <summary>Usage: microseconds spent choosing the visual tokens to keep.</summary>
    public const string PruningMicroseconds = "vispruner.pruning_us";

    /// <summary>Usage: microseconds of the prompt pass.</summary>
    public const string PrefillMicroseconds = "vispruner.prefill_us";

    /// <summary>Usage: microseconds spent generating tokens after the first.</summary>
    public const string DecodeMicroseconds = "vispruner.decode_us";

    /// <summary>Response: microseconds from the start of the request to the first generated token (long; not summed over requests).</summary>
    public const string TimeToFirstTokenMicroseconds = "vispruner.time_to_first_token_us";

    /// <summary>Response: the largest size, in bytes, the key/value cache reached (long; not summed over requests).</summary>
    public const string PeakKvCacheBytes = "vispruner.peak_kv_cache_bytes";

    /// <summary>
    /// Semantic Kernel metadata: prompt tokens whose key/value cache was reused from an earlier turn's generator, so they
    /// were not prefilled (long; 0 for a fresh request). <c>UsageDetails.CachedInputTokenCount</c> carries the same count.
    /// </summary>
    public const string ReusedPromptTokens = "vispruner.reused_prompt_tokens";
}
