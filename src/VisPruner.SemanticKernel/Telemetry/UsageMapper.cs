using Microsoft.Extensions.AI;
using VisPruner.Engine.Generation;

namespace VisPruner.SemanticKernel.Telemetry;

/// <summary>Reports a request's statistics as <see cref="UsageDetails"/>: token counts, and pruning figures as additional counts.</summary>
internal static class UsageMapper
{
    public static UsageDetails ToUsage(GenerationStatistics statistics) => new()
    {
        InputTokenCount = statistics.PromptTokens,
        OutputTokenCount = statistics.CompletionTokens,
        TotalTokenCount = (long)statistics.PromptTokens + statistics.CompletionTokens,
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
            [VisPrunerPropertyNames.TimeToFirstTokenMicroseconds] = Microseconds(statistics.TimeToFirstToken),
            [VisPrunerPropertyNames.PeakKvCacheBytes] = statistics.PeakKvCacheBytes,
        },
    };

    private static long Microseconds(TimeSpan time) => time.Ticks / TimeSpan.TicksPerMicrosecond;
}
