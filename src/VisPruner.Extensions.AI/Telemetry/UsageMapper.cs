using Microsoft.Extensions.AI;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Telemetry;

/// <summary>
/// Reports a request's statistics: token counts and the summable pruning figures as <see cref="UsageDetails"/>, and the
/// figures that do not add up across requests (time to first token, peak key/value cache) as per-response properties.
/// </summary>
internal static class UsageMapper
{
    public static UsageDetails ToUsage(GenerationStatistics statistics) => new()
    {
        InputTokenCount = statistics.PromptTokens,
        OutputTokenCount = statistics.CompletionTokens,
        TotalTokenCount = (long)statistics.PromptTokens + statistics.CompletionTokens,
        CachedInputTokenCount = statistics.ReusedPromptTokens,
        AdditionalCounts = new AdditionalPropertiesDictionary<long>
        {
            [VisPrunerPropertyNames.VisualTokensBeforePruning] = statistics.VisualTokensBeforePruning,
            [VisPrunerPropertyNames.VisualTokens] = statistics.VisualTokens,
            [VisPrunerPropertyNames.CachedImages] = statistics.CachedImages,
            [VisPrunerPropertyNames.ImagePreprocessingMicroseconds] = Microseconds(statistics.ImagePreprocessingTime),
            [VisPrunerPropertyNames.VisionMicroseconds] = Microseconds(statistics.VisionTime),
            [VisPrunerPropertyNames.PruningMicroseconds] = Microseconds(statistics.PruningTime),
            [VisPrunerPropertyNames.PrefillMicroseconds] = Microseconds(statistics.PrefillTime),
            [VisPrunerPropertyNames.DecodeMicroseconds] = Microseconds(statistics.DecodeTime),
        },
    };

    /// <summary>
    /// The figures of one request that a sum over requests would falsify; M.E.AI sums <see cref="UsageDetails.AdditionalCounts"/>
    /// over a function-calling loop, so these go to the response's (message's) additional properties instead.
    /// </summary>
    public static AdditionalPropertiesDictionary ToResponseProperties(GenerationStatistics statistics) => new()
    {
        [VisPrunerPropertyNames.TimeToFirstTokenMicroseconds] = Microseconds(statistics.TimeToFirstToken),
        [VisPrunerPropertyNames.PeakKvCacheBytes] = statistics.PeakKvCacheBytes,
    };

    private static long Microseconds(TimeSpan time) => time.Ticks / TimeSpan.TicksPerMicrosecond;
}
