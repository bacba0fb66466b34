using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace VisPruner.SemanticKernel.IntegrationTests.Infrastructure;

/// <summary>One request the engine served, as the client reported it.</summary>
public sealed record ModelRequest(int PromptTokens, int CompletionTokens, int VisualTokensBeforePruning, int VisualTokens, string FinishReason, int ReusedPromptTokens);

/// <summary>
/// Records the requests the engine serves for one model id, from the last update of each that the client hands to
/// in-process listeners (its <see cref="DiagnosticListener"/>): what reached the model, whichever framework sent it.
/// Create it before the requests start.
/// </summary>
public sealed class ModelRequests : IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private readonly ConcurrentQueue<ModelRequest> _requests = new();
    private readonly ConcurrentBag<IDisposable> _subscriptions = [];
    private readonly string _modelId;
    private readonly IDisposable _listeners;

    public ModelRequests(string modelId)
    {
        _modelId = modelId;
        _listeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    /// <summary>Gets the requests served so far, in the order they finished.</summary>
    public IReadOnlyList<ModelRequest> All => [.. _requests];

    public void Dispose()
    {
        _listeners.Dispose();
        foreach (IDisposable subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (value.Name == VisPrunerChatClient.TelemetrySourceName)
        {
            _subscriptions.Add(value.Subscribe(this));
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value is { Key: "ResponseCompleted", Value: ChatResponseUpdate last } && last.ModelId == _modelId)
        {
            UsageDetails usage = last.Contents.OfType<UsageContent>().Single().Details;
            _requests.Enqueue(new ModelRequest(
                checked((int)usage.InputTokenCount!.Value),
                checked((int)usage.OutputTokenCount!.Value),
                checked((int)usage.AdditionalCounts![VisPrunerPropertyNames.VisualTokensBeforePruning]),
                checked((int)usage.AdditionalCounts[VisPrunerPropertyNames.VisualTokens]),
                last.FinishReason!.Value.Value,
                checked((int)usage.CachedInputTokenCount!.Value)));
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }
}
