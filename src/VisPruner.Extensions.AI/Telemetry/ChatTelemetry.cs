using System.Diagnostics;
using System.Diagnostics.Metrics;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Telemetry;

/// <summary>
/// The client's traces and metrics, named after the OpenTelemetry generative-AI conventions where one exists
/// (<c>gen_ai.*</c>) and <c>vispruner.*</c> for the pruning figures. Listen to <see cref="VisPrunerChatClient.TelemetrySourceName"/>.
/// </summary>
internal static class ChatTelemetry
{
    public const string ProviderName = "vispruner";

    public static readonly ActivitySource Source = new(VisPrunerChatClient.TelemetrySourceName);

    private static readonly Meter Meter = new(VisPrunerChatClient.TelemetrySourceName);

    private static readonly Histogram<long> TokenUsage = Meter.CreateHistogram<long>(
        "gen_ai.client.token.usage", "{token}", "Tokens used per request, by gen_ai.token.type (input or output).");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "gen_ai.client.operation.duration", "s", "Duration of chat requests.");

    private static readonly Histogram<double> TimeToFirstToken = Meter.CreateHistogram<double>(
        "gen_ai.server.time_to_first_token", "s", "Time from the start of a request to its first generated token.");

    private static readonly Histogram<long> VisualTokensBefore = Meter.CreateHistogram<long>(
        "vispruner.visual_tokens.before_pruning", "{token}", "Visual tokens the vision encoder produced per request.");

    private static readonly Histogram<long> VisualTokensKept = Meter.CreateHistogram<long>(
        "vispruner.visual_tokens.kept", "{token}", "Visual tokens that reached the language model per request.");

    private static readonly Histogram<double> PruningTime = Meter.CreateHistogram<double>(
        "vispruner.pruning.duration", "s", "Time spent choosing which visual tokens to keep, per request.");

    public static Activity? StartChat(string modelId)
    {
        Activity? activity = Source.StartActivity($"chat {modelId}", ActivityKind.Client);
        activity?.SetTag("gen_ai.operation.name", "chat")
            .SetTag("gen_ai.provider.name", ProviderName)
            .SetTag("gen_ai.request.model", modelId);
        return activity;
    }

    public static void Record(Activity? activity, string modelId, GenerationStatistics statistics, string finishReason, TimeSpan duration)
    {
        var tags = new TagList { { "gen_ai.operation.name", "chat" }, { "gen_ai.provider.name", ProviderName }, { "gen_ai.request.model", modelId } };
        Duration.Record(duration.TotalSeconds, tags);
        TimeToFirstToken.Record(statistics.TimeToFirstToken.TotalSeconds, tags);
        VisualTokensBefore.Record(statistics.VisualTokensBeforePruning, tags);
        VisualTokensKept.Record(statistics.VisualTokens, tags);
        PruningTime.Record(statistics.PruningTime.TotalSeconds, tags);
        TagList input = tags;
        input.Add("gen_ai.token.type", "input");
        TokenUsage.Record(statistics.PromptTokens, input);
        TagList output = tags;
        output.Add("gen_ai.token.type", "output");
        TokenUsage.Record(statistics.CompletionTokens, output);

        activity?.SetTag("gen_ai.response.model", modelId)
            .SetTag("gen_ai.response.finish_reasons", new[] { finishReason })
            .SetTag("gen_ai.usage.input_tokens", statistics.PromptTokens)
            .SetTag("gen_ai.usage.output_tokens", statistics.CompletionTokens)
            .SetTag("gen_ai.usage.cache_read.input_tokens", statistics.ReusedPromptTokens)
            .SetTag("vispruner.visual_tokens.before_pruning", statistics.VisualTokensBeforePruning)
            .SetTag("vispruner.visual_tokens.kept", statistics.VisualTokens);
    }

    public static void RecordError(Activity? activity, Exception error)
    {
        activity?.SetStatus(ActivityStatusCode.Error, error.Message)
            .SetTag("error.type", error.GetType().FullName);
    }
}
