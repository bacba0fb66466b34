using System.Collections.Concurrent;
using System.Diagnostics;

namespace VisPruner.SemanticKernel.IntegrationTests.Infrastructure;

/// <summary>One request the engine served, as the client traced it.</summary>
public sealed record ModelRequest(int PromptTokens, int CompletionTokens, int VisualTokensBeforePruning, int VisualTokens, string FinishReason, int ReusedPromptTokens);

/// <summary>
/// Records the requests the engine serves for one model id, from the client's traces: what reached the model, whichever
/// framework sent it. Create it before the requests start.
/// </summary>
public sealed class ModelRequests : IDisposable
{
    private readonly ConcurrentQueue<ModelRequest> _requests = new();
    private readonly ActivityListener _listener;

    public ModelRequests(string modelId)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == VisPrunerChatClient.TelemetrySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("gen_ai.request.model") as string == modelId && activity.GetTagItem("gen_ai.usage.input_tokens") is int prompt)
                {
                    _requests.Enqueue(new ModelRequest(
                        prompt,
                        (int)activity.GetTagItem("gen_ai.usage.output_tokens")!,
                        (int)activity.GetTagItem("vispruner.visual_tokens.before_pruning")!,
                        (int)activity.GetTagItem("vispruner.visual_tokens.kept")!,
                        ((string[])activity.GetTagItem("gen_ai.response.finish_reasons")!)[0],
                        (int)activity.GetTagItem("gen_ai.usage.cache_read.input_tokens")!));
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Gets the requests served so far, in the order they finished.</summary>
    public IReadOnlyList<ModelRequest> All => [.. _requests];

    public void Dispose() => _listener.Dispose();
}
