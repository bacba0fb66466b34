using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Telemetry;

/// <summary>
/// What only this client knows about a request: <c>vispruner.*</c> histograms on the meter
/// <see cref="VisPrunerChatClient.TelemetrySourceName"/>, <c>vispruner.*</c> tags on the GenAI chat span that
/// Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c> opened around the request, and the request's last update for
/// in-process listeners. The chat span, token usage, durations and time to first chunk are that layer's: the client
/// starts no activity and records no <c>gen_ai.*</c> instrument, which dashboards would count twice.
/// </summary>
internal static class ChatTelemetry
{
    public const string ProviderName = "vispruner";

    /// <summary>The <see cref="DiagnosticListener"/> event that carries a request's last <see cref="ChatResponseUpdate"/>.</summary>
    public const string ResponseCompletedEvent = "ResponseCompleted";

    private const string ChatOperation = "chat";

    private static readonly Meter Meter = new(VisPrunerChatClient.TelemetrySourceName);

    private static readonly DiagnosticListener Diagnostics = new(VisPrunerChatClient.TelemetrySourceName);

    // Token buckets as the gen_ai.client.token.usage convention advises; time buckets for stages of milliseconds to seconds.
    private static readonly InstrumentAdvice<int> TokenBuckets = new() { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536] };
    private static readonly InstrumentAdvice<double> StageBuckets = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    private static readonly Histogram<int> VisualTokensProduced = Meter.CreateHistogram(
        "vispruner.visual_token.produced", "{token}", "Visual tokens the vision encoder produced for a request's images, before pruning.", advice: TokenBuckets);

    private static readonly Histogram<int> VisualTokensKept = Meter.CreateHistogram(
        "vispruner.visual_token.kept", "{token}", "Visual tokens of a request's images that reached the language model.", advice: TokenBuckets);

    private static readonly Histogram<int> InputTokensReused = Meter.CreateHistogram(
        "vispruner.input_token.reused", "{token}", "Prompt tokens not prefilled because the request continued an earlier request's generator.", advice: TokenBuckets);

    private static readonly Histogram<double> VisionEncoderDuration = Meter.CreateHistogram(
        "vispruner.vision_encoder.duration", "s", "Time a request spent in the vision encoder, for requests with images not in the feature cache.", advice: StageBuckets);

    private static readonly Histogram<double> PruningDuration = Meter.CreateHistogram(
        "vispruner.pruning.duration", "s", "Time a request spent choosing which visual tokens to keep, for requests with images.", advice: StageBuckets);

    /// <summary>
    /// The GenAI chat span around the request, if a tracing layer opened one that records attributes; not any other
    /// current span (an HTTP server's, say), whose meaning the figures would change.
    /// </summary>
    public static Activity? CurrentChatSpan() =>
        Activity.Current is { IsAllDataRequested: true } span && span.GetTagItem("gen_ai.operation.name") as string == ChatOperation ? span : null;

    public static void Record(Activity? chatSpan, string modelId, GenerationStatistics statistics)
    {
        var tags = new TagList { { "gen_ai.operation.name", ChatOperation }, { "gen_ai.provider.name", ProviderName }, { "gen_ai.request.model", modelId } };
        InputTokensReused.Record(statistics.ReusedPromptTokens, tags);

        // A text-only request has no visual stage: zeros would drag the distributions of the requests that do.
        if (statistics.Images.Count > 0)
        {
            VisualTokensProduced.Record(statistics.VisualTokensBeforePruning, tags);
            VisualTokensKept.Record(statistics.VisualTokens, tags);
            PruningDuration.Record(statistics.PruningTime.TotalSeconds, tags);
            if (statistics.CachedImages < statistics.Images.Count)
            {
                VisionEncoderDuration.Record(statistics.VisionTime.TotalSeconds, tags);
            }
        }

        // The reused prompt tokens are on the span already: the tracing layer writes CachedInputTokenCount as
        // gen_ai.usage.cache_read.input_tokens.
        if (chatSpan is not null)
        {
            Add(chatSpan, "vispruner.usage.visual_tokens_produced", statistics.VisualTokensBeforePruning);
            Add(chatSpan, "vispruner.usage.visual_tokens_kept", statistics.VisualTokens);
            Add(chatSpan, "vispruner.vision_encoder.time", statistics.VisionTime.TotalSeconds);
            Add(chatSpan, "vispruner.pruning.time", statistics.PruningTime.TotalSeconds);
        }
    }

    /// <summary>Hands the request's last update (usage, finish reason, model id, the engine's statistics) to in-process listeners.</summary>
    public static void Completed(ChatResponseUpdate last)
    {
        if (Diagnostics.IsEnabled(ResponseCompletedEvent))
        {
            Diagnostics.Write(ResponseCompletedEvent, last);
        }
    }

    // A span around a function-calling loop covers several requests; its gen_ai.usage.* tags are their sums, so these are too.
    private static void Add(Activity span, string name, int value) => span.SetTag(name, (span.GetTagItem(name) as int? ?? 0) + value);

    private static void Add(Activity span, string name, double value) => span.SetTag(name, (span.GetTagItem(name) as double? ?? 0) + value);
}
