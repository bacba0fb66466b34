using System.Diagnostics;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.DemoModels;
using VisPruner.Engine.Generation;
using Xunit.Abstractions;

namespace VisPruner.Engine.Tests.Generation;

/// <summary>
/// A request cancelled inside each stage (vision encoder, prompt pass, answer) stops well before the stage would end,
/// and the engine's slot is free at once. The delay between cancelling and the request returning is printed.
/// </summary>
// Alone, so other test classes' native runs do not compete for the two cores while timings are compared.
[Collection(nameof(CancellationLatencyTests))]
public sealed class CancellationLatencyTests(CancellationLatencyTests.Model model, ITestOutputHelper output) : IClassFixture<CancellationLatencyTests.Model>
{
    private static readonly GenerationRequest LongPrompt = new(
        [new ChatTurn(TurnRole.User, string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog ", 140)))],
        options: new GenerationOptions { MaxNewTokens = 1 });


    private static readonly GenerationRequest LongAnswer = new(
        [new ChatTurn(TurnRole.User, "Talk.")],
        options: new GenerationOptions { MaxNewTokens = 2000, MinNewTokens = 2000 });

    [Fact]
    public async Task Cancelling_while_the_vision_encoder_runs_stops_the_run()
    {
        MultimodalEngine engine = await model.EngineAsync();
        TimeSpan vision = (await engine.CompleteAsync(LargeImage(0))).Statistics.VisionTime;
        Assert.True(vision > TimeSpan.FromMilliseconds(300), $"the vision run took only {vision.TotalMilliseconds} ms; too short to cancel inside");

        // Image reading and preprocessing come first: cancel a quarter of the way into the encoder run. Each request
        // sends a new image, as the engine keeps the features of images it has seen.
        GenerationStatistics full = (await engine.CompleteAsync(LargeImage(1))).Statistics;
        TimeSpan into = full.ImagePreprocessingTime + (full.VisionTime / 4);
        TimeSpan returned = await CancelAfterAsync(engine, LargeImage(2), into);

        Report("vision encoder", into, returned);
        Assert.True(returned < into + ((full.VisionTime - (full.VisionTime / 4)) / 2), $"returned {returned.TotalMilliseconds} ms after the start; the vision run alone takes {full.VisionTime.TotalMilliseconds} ms");
        await AssertTheEngineStillAnswersAsync(engine);
    }

    [Fact]
    public async Task Cancelling_during_the_prompt_pass_stops_it_between_chunks()
    {
        MultimodalEngine engine = await model.EngineAsync();
        await engine.CompleteAsync(LongPrompt); // warm up, so the measured pass is the one being cancelled
        TimeSpan prefill = (await engine.CompleteAsync(LongPrompt)).Statistics.PrefillTime;
        Assert.True(prefill > TimeSpan.FromMilliseconds(150), $"the prompt pass took only {prefill.TotalMilliseconds} ms; too short to cancel inside");

        // The prompt goes in in chunks of about 50 ms, so the request stops at the next chunk: far sooner than the whole pass.
        TimeSpan into = prefill / 4;
        TimeSpan returned = await CancelAfterAsync(engine, LongPrompt, into);

        Report("prompt pass", into, returned);
        Assert.True(returned < prefill * 0.8, $"returned {returned.TotalMilliseconds} ms after the start; the whole prompt pass takes {prefill.TotalMilliseconds} ms");
        await AssertTheEngineStillAnswersAsync(engine);
    }

    [Fact]
    public async Task Cancelling_while_the_answer_streams_stops_it_at_the_next_token()
    {
        MultimodalEngine engine = await model.EngineAsync();
        using var cancel = new CancellationTokenSource();
        var clock = new Stopwatch();
        int pieces = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (GenerationUpdate update in engine.GenerateAsync(LongAnswer, cancel.Token))
            {
                if (++pieces == 3)
                {
                    clock.Start();
                    await cancel.CancelAsync();
                }
            }
        });

        Report("answer", TimeSpan.Zero, clock.Elapsed);
        Assert.Equal(3, pieces);
        await AssertTheEngineStillAnswersAsync(engine);
    }

    private static GenerationRequest LargeImage(int variant) => new(
        [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is this?")])],
        [ImageInput.FromBytes(TestImages.Bmp(1344, 1344, variant))],
        new GenerationOptions { MaxNewTokens = 1 });

    private static async Task<TimeSpan> CancelAfterAsync(MultimodalEngine engine, GenerationRequest request, TimeSpan delay)
    {
        var clock = Stopwatch.StartNew();
        using var cancel = new DelayedCancellation(delay);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.CompleteAsync(request, cancel.Token));
        return clock.Elapsed;
    }

    private static async Task AssertTheEngineStillAnswersAsync(MultimodalEngine engine)
    {
        GenerationResult after = await engine.CompleteAsync(new GenerationRequest([new ChatTurn(TurnRole.User, "Hi")], options: new GenerationOptions { MaxNewTokens = 2, MinNewTokens = 2 }));
        Assert.Equal(2, after.Statistics.CompletionTokens);
    }

    private void Report(string stage, TimeSpan cancelledAt, TimeSpan returned) =>
        output.WriteLine($"{stage}: returned {(returned - cancelledAt).TotalMilliseconds:F0} ms after cancellation");

    /// <summary>A model large enough that each stage takes hundreds of milliseconds on a CPU.</summary>
    public sealed class Model : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "vispruner-cancel-" + Guid.NewGuid().ToString("N"));
        private readonly Lazy<Task<MultimodalEngine>> _engine;

        public Model()
        {
            TinyPhi3VisionModel.Write(_folder, new TinyPhi3VisionOptions
            {
                VisionHiddenSize = 256, VisionLayers = 5, VisionHeads = 8, VisionIntermediateSize = 1024, NumCrops = 16,
                HiddenSize = 512, IntermediateSize = 1024, DecoderLayers = 6, AttentionHeads = 8, KeyValueHeads = 8,
            });
            _engine = new(() => MultimodalEngine.LoadAsync(_folder));
        }

        public Task<MultimodalEngine> EngineAsync() => _engine.Value;

        public void Dispose()
        {
            if (_engine.IsValueCreated)
            {
                _engine.Value.Result.Dispose();
            }

            Directory.Delete(_folder, recursive: true);
        }
    }
}

[CollectionDefinition(nameof(CancellationLatencyTests), DisableParallelization = true)]
public sealed class CancellationLatencyTestsRunAlone;
