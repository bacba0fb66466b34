using System.Diagnostics;
using VisPruner.Engine.ChatTemplates;
using VisPruner.DemoModels;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;
using Xunit.Abstractions;

namespace VisPruner.Engine.Tests.Generation;

/// <summary>
/// On the bench-scale model, a request with an image cancelled anywhere from its start to its end returns to its caller at
/// once, even inside the prompt's first pass, which nothing can interrupt; the engine finishes that call in the background,
/// answers the next request as before, and is disposed cleanly with such a call still running. Figures are printed.
/// </summary>
[Collection(nameof(CancellationLatencyTests))]
public sealed class CancellationTimelineTests(CancellationTimelineTests.BenchScaleModel model, ITestOutputHelper output) : IClassFixture<CancellationTimelineTests.BenchScaleModel>
{
    // About every 100 ms over a request of about 1.6 s on a quiet two-core machine; wider steps on a slower one, so that the
    // test stays short beside the other test assemblies in CI (the bench's --cancel-timeline samples every 20 ms).
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private const int MaxPoints = 16;

    // Unpruned, so the first pass holds all 757 image rows; the text after the image goes in in a few chunks; then an
    // answer long enough for several points to fall in it, held to letters: the random weights would otherwise answer
    // with tokens that decode to no text, and the pieces streamed before cancelling show which points fell in the answer.
    private static readonly GenerationRequest WithImage = new(
        [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("Describe this image. " + string.Concat(Enumerable.Repeat("Mention the colours, the shapes and where they are. ", 8)))])],
        [ImageInput.FromBytes(TestImages.Bmp(1344, 1344))],
        new GenerationOptions { MaxNewTokens = 24, MinNewTokens = 24, Pruning = VisualTokenPruningOptions.Disabled, Constraint = OutputConstraint.Regex("[a-z]+( [a-z]+)*") });

    [Fact]
    public async Task Cancelling_anywhere_in_a_request_with_an_image_returns_at_once_and_the_engine_answers_after()
    {
        MultimodalEngine engine = await model.EngineAsync();
        (GenerationStatistics stages, TimeSpan total) = await MeasureAsync(engine);
        string followUp = (await engine.CompleteAsync(CancellationProbe.FollowUp)).Text;
        output.WriteLine(
            $"uncancelled: {total.TotalMilliseconds:F0} ms; image {stages.ImagePreprocessingTime.TotalMilliseconds:F0} ms, vision {stages.VisionTime.TotalMilliseconds:F0} ms, " +
            $"prompt pass {stages.PrefillTime.TotalMilliseconds:F0} ms ({stages.PromptTokens} tokens), first token at {stages.TimeToFirstToken.TotalMilliseconds:F0} ms, answer {stages.DecodeTime.TotalMilliseconds:F0} ms");

        var unobserved = new List<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> record = (_, e) =>
        {
            lock (unobserved)
            {
                unobserved.Add(e.Exception);
            }
        };
        TaskScheduler.UnobservedTaskException += record;
        var points = new List<(TimeSpan At, CancelledRequest Cancelled)>();
        try
        {
            // Until the request finishes before its cancellation twice running: the machine's pace may have changed.
            TimeSpan step = Step > total / MaxPoints ? Step : total / MaxPoints;
            int finished = 0;
            for (TimeSpan at = TimeSpan.Zero; finished < 2 && at < total * 2; at += step)
            {
                CancelledRequest? cancelled = await CancellationProbe.CancelAfterAsync(engine, WithImage, at);
                if (cancelled is not null && cancelled.Returned > CancellationLatencyTests.CallerBound)
                {
                    // A stall of the whole machine is measured once more; a caller waiting for a native call would wait
                    // again, as the same point falls in the same call.
                    output.WriteLine($"cancelled at {at.TotalMilliseconds,5:F0} ms: caller back after {cancelled.Returned.TotalMilliseconds,5:F1} ms; measured again");
                    cancelled = await CancellationProbe.CancelAfterAsync(engine, WithImage, at);
                }

                if (cancelled is null)
                {
                    finished++;
                    output.WriteLine($"cancelled at {at.TotalMilliseconds,5:F0} ms: the request had finished");
                    continue;
                }

                finished = 0;
                points.Add((at, cancelled));
                output.WriteLine($"cancelled at {at.TotalMilliseconds,5:F0} ms: caller back after {cancelled.Returned.TotalMilliseconds,5:F1} ms, engine free after {cancelled.EngineBusy.TotalMilliseconds,4:F0} ms, {cancelled.Streamed} pieces streamed");
                Assert.Equal(followUp, cancelled.FollowUp.Text);
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= record;
        }

        double[] returned = [.. points.Select(p => p.Cancelled.Returned.TotalMilliseconds).Order()];
        double[] busy = [.. points.Select(p => p.Cancelled.EngineBusy.TotalMilliseconds).Order()];
        output.WriteLine($"{points.Count} points cancelled; caller back after median {returned[returned.Length / 2]:F1} ms, max {returned[^1]:F1} ms; engine free after median {busy[busy.Length / 2]:F0} ms, max {busy[^1]:F0} ms");

        Assert.True(points.Count >= MaxPoints / 2, $"only {points.Count} points were cancelled");
        Assert.All(points, p => CancellationLatencyTests.AssertReturnedAtOnce(p.Cancelled));

        // The points covered the native call that cannot be interrupted (the caller was back long before the engine was
        // free) and the answer (pieces had streamed).
        Assert.Contains(points, p => p.Cancelled.Returned * 2 < p.Cancelled.EngineBusy);
        Assert.Contains(points, p => p.Cancelled.Streamed > 0);
        Assert.DoesNotContain(unobserved, e => e.ToString().Contains("VisPruner.Engine", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disposing_right_after_cancelling_inside_the_first_pass_waits_for_it()
    {
        MultimodalEngine engine = await MultimodalEngine.LoadAsync(model.Folder, BenchScaleModel.Options);
        (GenerationStatistics stages, _) = await MeasureAsync(engine);

        // A third of the way into the prompt pass, whose first append carries every image row: the models must outlive it.
        TimeSpan into = stages.ImagePreprocessingTime + stages.VisionTime + stages.PruningTime + (stages.PrefillTime / 3);
        using var cancel = new DelayedCancellation(into);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.CompleteAsync(WithImage, cancel.Token));
        TimeSpan returned = cancel.SinceCancelled;
        var clock = Stopwatch.StartNew();
        engine.Dispose();

        output.WriteLine($"caller back {returned.TotalMilliseconds:F1} ms after cancelling; Dispose took {clock.Elapsed.TotalMilliseconds:F0} ms more");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.CompleteAsync(CancellationProbe.FollowUp));
    }

    /// <summary>The request's statistics and duration, uncancelled, after a warm-up run.</summary>
    private static async Task<(GenerationStatistics Stages, TimeSpan Total)> MeasureAsync(MultimodalEngine engine)
    {
        await engine.CompleteAsync(WithImage);
        var clock = Stopwatch.StartNew();
        GenerationStatistics statistics = (await engine.CompleteAsync(WithImage)).Statistics;
        return (statistics, clock.Elapsed);
    }

    /// <summary>Phi-3.5-vision's depths with widths divided by 8, as the CLI's bench runs it; no feature cache, so every request runs the vision encoder.</summary>
    public sealed class BenchScaleModel() : LoadedEngine(TinyPhi3VisionModel.BenchScale(8), Options)
    {
        public static MultimodalEngineOptions Options { get; } = new() { VisionFeatureCacheBytes = 0, ContinuableGenerators = 0 };
    }
}
