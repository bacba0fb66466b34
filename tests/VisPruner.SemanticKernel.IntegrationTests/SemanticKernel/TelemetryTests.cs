using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;

namespace VisPruner.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>
/// The Semantic Kernel service runs on the client itself, not on the IChatClient pipeline the application composed:
/// its requests are measured on the client's meter but traced by no span of the client's, nor by the pipeline's
/// <c>UseOpenTelemetry()</c>; a request through the pipeline gets that layer's one chat span.
/// </summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class TelemetryTests(ScriptedModels models)
{
    private static readonly byte[] House = File.ReadAllBytes(ScriptedModels.HouseImage);

    [Fact]
    public async Task A_service_request_gets_the_client_measurements_and_no_span()
    {
        ScriptedModel model = models.RandomCopy("telemetry-" + Guid.NewGuid().ToString("N"));
        string sourceName = "VisPruner.Tests." + Guid.NewGuid().ToString("N");
        using var test = new ActivitySource(sourceName + ".Test");
        var spans = new ConcurrentQueue<Activity>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(tracing);
        var produced = new ConcurrentQueue<int>();
        using var metering = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == VisPrunerChatClient.TelemetrySourceName && instrument.Name == "vispruner.visual_token.produced")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        metering.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            if (tags.ToArray().Contains(new KeyValuePair<string, object?>("gen_ai.request.model", model.Id)))
            {
                produced.Enqueue(value);
            }
        });
        metering.Start();
        var services = new ServiceCollection();
        services.AddVisPrunerChat(model.Configure).UseOpenTelemetry(sourceName: sourceName);
        await using ServiceProvider provider = services.BuildServiceProvider();
        var history = new ChatHistory();
        history.AddUserMessage([new ImageContent(House, "image/png"), new Microsoft.SemanticKernel.TextContent("What is this?")]);

        Activity root = test.StartActivity("test")!;
        (_, IReadOnlyList<ModelRequest> viaService) = await ScriptedModels.RecordAsync(model, _ =>
            provider.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(history, new VisPrunerPromptExecutionSettings { MaxTokens = 1 }));
        ChatResponse direct = await provider.GetRequiredService<IChatClient>().GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new DataContent(House, "image/png"), new Microsoft.Extensions.AI.TextContent("What is this?")])],
            new ChatOptions { MaxOutputTokens = 1 });
        root.Stop();

        Activity chat = Assert.Single(spans, span => span.TraceId == root.TraceId && span != root);
        Assert.Equal(sourceName, chat.Source.Name);
        Assert.Equal(direct.ResponseId, chat.GetTagItem("gen_ai.response.id"));
        Assert.DoesNotContain(root.TagObjects, tag => tag.Key.StartsWith("vispruner.", StringComparison.Ordinal));
        int serviceTokens = Assert.Single(viaService).VisualTokensBeforePruning;
        Assert.Equal([serviceTokens, (int)direct.Usage!.AdditionalCounts![VisPrunerPropertyNames.VisualTokensBeforePruning]], produced);
        Assert.True(serviceTokens > 0, "the image reached the model");
    }
}
