using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace VisPruner.Extensions.AI.Tests.Chat;

/// <summary>
/// Telemetry as an application's exporter receives it: Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c> traces and
/// measures each request once, the client adds its <c>vispruner.*</c> figures to that chat span and records them on its
/// own meter, and the client emits no span and no <c>gen_ai.*</c> instrument of its own.
/// </summary>
[Collection(TinyModelsGroup.Name)]
public sealed class TelemetryTests(TinyModels models)
{
    private const string Reply = "A cat.";

    // The usage figures are whole microseconds; the span's and the histograms' seconds are not rounded.
    private const double Microsecond = 1e-6;

    private static readonly string[] ClientInstruments =
    [
        "vispruner.input_token.reused", "vispruner.pruning.duration", "vispruner.vision_encoder.duration",
        "vispruner.visual_token.kept", "vispruner.visual_token.produced",
    ];

    private static List<ChatMessage> Question() =>
        [new(ChatRole.User, [new DataContent(TestImages.Bmp(200, 200, 11), "image/bmp"), new TextContent("What is in the picture?")])];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UseOpenTelemetry_traces_each_request_once_and_the_client_adds_its_figures(bool streaming)
    {
        // A question the scripted model answers to the end, so the follow-up continues its generator and reuses the image.
        List<ChatMessage> question = Question();
        string folder = await models.ScriptedFolderAsync(question, null, Reply);
        string modelId = Path.GetFileName(folder);
        string sourceName = "VisPruner.Tests." + Guid.NewGuid().ToString("N");
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        using TracerProvider tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName, VisPrunerChatClient.TelemetrySourceName).AddInMemoryExporter(spans).Build();
        using MeterProvider metering = Sdk.CreateMeterProviderBuilder()
            .AddMeter(sourceName, VisPrunerChatClient.TelemetrySourceName).AddInMemoryExporter(metrics).Build();
        var services = new ServiceCollection();
        services.AddVisPrunerChatClient(options => options.ModelFolder = folder).UseOpenTelemetry(sourceName: sourceName);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IChatClient chat = provider.GetRequiredService<IChatClient>();

        ChatResponse answer = await AskAsync(chat, question, null, streaming);
        ChatResponse followUp = await AskAsync(
            chat, [.. question, .. answer.Messages, new(ChatRole.User, "And what colour is it?")], new ChatOptions { MaxOutputTokens = 2 }, streaming);
        metering.ForceFlush();

        Assert.Equal((Reply, ChatFinishReason.Stop), (answer.Text, answer.FinishReason));
        UsageDetails first = answer.Usage!;
        UsageDetails second = followUp.Usage!;
        Assert.Equal(0, first.CachedInputTokenCount);
        Assert.Equal(0, first.AdditionalCounts![VisPrunerPropertyNames.CachedImages]);
        Assert.True(second.CachedInputTokenCount > 0, "the follow-up should continue the answer's generator");
        Assert.Equal(1, second.AdditionalCounts![VisPrunerPropertyNames.CachedImages]);

        // One span per request, all M.E.AI's, each carrying its request's figures.
        Assert.Equal(2, spans.Count);
        Assert.All(spans, span => Assert.Equal(sourceName, span.Source.Name));
        foreach (ChatResponse response in (ChatResponse[])[answer, followUp])
        {
            Activity span = Assert.Single(spans, s => s.GetTagItem("gen_ai.response.id") as string == response.ResponseId);
            UsageDetails usage = response.Usage!;
            Assert.Equal($"chat {modelId}", span.DisplayName);
            Assert.Equal((int)usage.AdditionalCounts![VisPrunerPropertyNames.VisualTokensBeforePruning], span.GetTagItem("vispruner.usage.visual_tokens_produced"));
            Assert.Equal((int)usage.AdditionalCounts[VisPrunerPropertyNames.VisualTokens], span.GetTagItem("vispruner.usage.visual_tokens_kept"));
            Assert.Equal(Seconds(usage, VisPrunerPropertyNames.VisionMicroseconds), (double)span.GetTagItem("vispruner.vision_encoder.time")!, Microsecond);
            Assert.Equal(Seconds(usage, VisPrunerPropertyNames.PruningMicroseconds), (double)span.GetTagItem("vispruner.pruning.time")!, Microsecond);
            Assert.Equal((int)usage.CachedInputTokenCount!, span.GetTagItem("gen_ai.usage.cache_read.input_tokens"));
            Assert.Equal((int)usage.InputTokenCount!, span.GetTagItem("gen_ai.usage.input_tokens"));
        }

        // The client's meter: its own instruments only, with both requests' figures (the follow-up's image skipped the encoder).
        Assert.Equal(ClientInstruments, metrics.Where(m => m.MeterName == VisPrunerChatClient.TelemetrySourceName && Points(m, modelId).Count > 0).Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.All(ClientInstruments, name => Assert.Equal(name.EndsWith(".duration", StringComparison.Ordinal) ? "s" : "{token}", metrics.First(m => m.Name == name).Unit));
        string ours = VisPrunerChatClient.TelemetrySourceName;
        Assert.Equal((2L, Sum(VisPrunerPropertyNames.VisualTokensBeforePruning)), Histogram(metrics, ours, "vispruner.visual_token.produced", modelId));
        Assert.Equal((2L, Sum(VisPrunerPropertyNames.VisualTokens)), Histogram(metrics, ours, "vispruner.visual_token.kept", modelId));
        Assert.Equal((2L, (double)second.CachedInputTokenCount!), Histogram(metrics, ours, "vispruner.input_token.reused", modelId));
        (long pruned, double pruning) = Histogram(metrics, ours, "vispruner.pruning.duration", modelId);
        Assert.Equal(2, pruned);
        Assert.Equal(Seconds(first, VisPrunerPropertyNames.PruningMicroseconds) + Seconds(second, VisPrunerPropertyNames.PruningMicroseconds), pruning, 2 * Microsecond);
        (long encoded, double vision) = Histogram(metrics, ours, "vispruner.vision_encoder.duration", modelId);
        Assert.Equal(1, encoded);
        Assert.Equal(Seconds(first, VisPrunerPropertyNames.VisionMicroseconds), vision, Microsecond);

        // M.E.AI's gen_ai.* metrics, once per request.
        Assert.Equal(2, Histogram(metrics, sourceName, "gen_ai.client.operation.duration", modelId).Count);
        MetricPoint input = Assert.Single(Points(metrics.Single(m => m.MeterName == sourceName && m.Name == "gen_ai.client.token.usage"), modelId), p => Tag(p, "gen_ai.token.type") == "input");
        Assert.Equal((2L, (double)(first.InputTokenCount! + second.InputTokenCount!)), (input.GetHistogramCount(), input.GetHistogramSum()));
        long firstChunks = metrics.Where(m => m.MeterName == sourceName && m.Name == "gen_ai.client.operation.time_to_first_chunk")
            .SelectMany(m => Points(m, modelId)).Sum(p => p.GetHistogramCount());
        Assert.Equal(streaming ? 2 : 0, firstChunks);

        double Sum(string key) => first.AdditionalCounts![key] + second.AdditionalCounts![key];
    }

    [Fact]
    public async Task The_figures_go_on_the_current_chat_span_only_summed_over_the_requests_it_covers()
    {
        using var source = new ActivitySource("VisPruner.Tests." + Guid.NewGuid().ToString("N"));
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        VisPrunerChatClient client = await models.RandomClientAsync();
        var twoTokens = new ChatOptions { MaxOutputTokens = 2 };

        // Another span, an HTTP server's say, is not the request's: the figures would change its meaning.
        using (Activity server = source.StartActivity("GET /answer", ActivityKind.Server)!)
        {
            await client.GetResponseAsync(Question(), twoTokens);
            Assert.DoesNotContain(server.TagObjects, tag => tag.Key.StartsWith("vispruner.", StringComparison.Ordinal));
        }

        // A chat span around a function-calling loop covers several requests, as its gen_ai.usage.* tags do.
        using Activity span = source.StartActivity("chat random", ActivityKind.Client)!.SetTag("gen_ai.operation.name", "chat");
        ChatResponse first = await client.GetResponseAsync(Question(), twoTokens);
        List<ChatMessage> other = [new(ChatRole.User, [new DataContent(TestImages.Bmp(240, 160, 12), "image/bmp"), new TextContent("And this one?")])];
        ChatResponse second = await client.GetStreamingResponseAsync(other, twoTokens).ToChatResponseAsync();

        Assert.Equal(Total(VisPrunerPropertyNames.VisualTokensBeforePruning), span.GetTagItem("vispruner.usage.visual_tokens_produced"));
        Assert.Equal(Total(VisPrunerPropertyNames.VisualTokens), span.GetTagItem("vispruner.usage.visual_tokens_kept"));
        double pruning = Seconds(first.Usage!, VisPrunerPropertyNames.PruningMicroseconds) + Seconds(second.Usage!, VisPrunerPropertyNames.PruningMicroseconds);
        Assert.Equal(pruning, (double)span.GetTagItem("vispruner.pruning.time")!, 2 * Microsecond);

        int Total(string key) => (int)(first.Usage!.AdditionalCounts![key] + second.Usage!.AdditionalCounts![key]);
    }

    [Fact]
    public async Task In_process_listeners_receive_each_request_s_last_update()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        var completed = new ConcurrentQueue<ChatResponseUpdate>();
        var subscriptions = new ConcurrentBag<IDisposable>();
        using IDisposable all = DiagnosticListener.AllListeners.Subscribe(new Observer<DiagnosticListener>(listener =>
        {
            if (listener.Name == VisPrunerChatClient.TelemetrySourceName)
            {
                subscriptions.Add(listener.Subscribe(new Observer<KeyValuePair<string, object?>>(e =>
                {
                    if (e.Key == "ResponseCompleted" && e.Value is ChatResponseUpdate update)
                    {
                        completed.Enqueue(update);
                    }
                })));
            }
        }));

        try
        {
            ChatResponse response = await client.GetResponseAsync(Question(), new ChatOptions { MaxOutputTokens = 1 });

            ChatResponseUpdate last = Assert.Single(completed, u => u.ResponseId == response.ResponseId);
            Assert.Equal((response.ModelId, response.FinishReason), (last.ModelId, last.FinishReason));
            Assert.Equal(response.Usage!.InputTokenCount, Assert.Single(last.Contents.OfType<UsageContent>()).Details.InputTokenCount);
        }
        finally
        {
            foreach (IDisposable subscription in subscriptions)
            {
                subscription.Dispose();
            }
        }
    }

    private static async Task<ChatResponse> AskAsync(IChatClient chat, IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming) =>
        streaming ? await chat.GetStreamingResponseAsync(messages, options).ToChatResponseAsync() : await chat.GetResponseAsync(messages, options);

    private static double Seconds(UsageDetails usage, string microsecondsKey) => usage.AdditionalCounts![microsecondsKey] * Microsecond;

    private static (long Count, double Sum) Histogram(List<MetricSnapshot> metrics, string meter, string name, string modelId)
    {
        MetricPoint point = Assert.Single(Points(metrics.Single(m => m.MeterName == meter && m.Name == name), modelId));
        return (point.GetHistogramCount(), point.GetHistogramSum());
    }

    // The client's meter is process-wide: other tests' requests are told apart by their model.
    private static List<MetricPoint> Points(MetricSnapshot metric, string modelId) =>
        [.. metric.MetricPoints.Where(p => Tag(p, "gen_ai.request.model") == modelId)];

    private static string? Tag(MetricPoint point, string name)
    {
        foreach (KeyValuePair<string, object?> tag in point.Tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    private sealed class Observer<T>(Action<T> onNext) : IObserver<T>
    {
        public void OnNext(T value) => onNext(value);

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
