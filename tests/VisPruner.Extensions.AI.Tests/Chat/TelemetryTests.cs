using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace VisPruner.Extensions.AI.Tests.Chat;

[Collection(TinyModelsGroup.Name)]
public sealed class TelemetryTests(TinyModels models)
{
    [Fact]
    public async Task A_request_is_traced_and_measured_under_the_connector_name()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        var activities = new ConcurrentQueue<Activity>();
        var measurements = new ConcurrentQueue<(string Instrument, double Value)>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == VisPrunerChatClient.TelemetrySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(activityListener);
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == VisPrunerChatClient.TelemetrySourceName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements.Enqueue((instrument.Name, value)));
        meterListener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measurements.Enqueue((instrument.Name, value)));
        meterListener.Start();
        string marker = "Telemetry " + Guid.NewGuid().ToString("N");

        ChatResponse response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new DataContent(TestImages.Bmp(200, 200, 11), "image/bmp"), new TextContent(marker)])],
            new ChatOptions { MaxOutputTokens = 2 });

        Activity activity = Assert.Single(activities, a => a.GetTagItem("gen_ai.usage.input_tokens") is int tokens && tokens == response.Usage!.InputTokenCount);
        Assert.Equal("chat random", activity.DisplayName);
        Assert.Equal("vispruner", activity.GetTagItem("gen_ai.provider.name"));
        Assert.Equal((int)response.Usage!.AdditionalCounts![VisPrunerPropertyNames.VisualTokens], activity.GetTagItem("vispruner.visual_tokens.kept"));
        Assert.Equal((int)response.Usage.CachedInputTokenCount!.Value, activity.GetTagItem("gen_ai.usage.cache_read.input_tokens"));
        Assert.Contains(measurements, m => m.Instrument == "gen_ai.client.token.usage" && m.Value == response.Usage.InputTokenCount);
        Assert.Contains(measurements, m => m.Instrument == "vispruner.visual_tokens.before_pruning"
            && m.Value == response.Usage.AdditionalCounts[VisPrunerPropertyNames.VisualTokensBeforePruning]);
        Assert.Contains(measurements, m => m.Instrument == "gen_ai.client.operation.duration" && m.Value > 0);
    }
}
