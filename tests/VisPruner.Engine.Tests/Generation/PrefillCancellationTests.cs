using System.Diagnostics;
using VisPruner.Engine.DemoModels;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Engine.Tests.Generation;

// Alone, so other test classes' native runs do not compete for the two cores while the timing is compared.
[Collection(nameof(PrefillCancellationTests))]
public sealed class PrefillCancellationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vispruner-prefill-" + Guid.NewGuid().ToString("N"));

    public PrefillCancellationTests() =>
        TinyPhi3VisionModel.Write(_folder, new TinyPhi3VisionOptions { HiddenSize = 512, IntermediateSize = 1024, DecoderLayers = 6, AttentionHeads = 8, KeyValueHeads = 8 });

    [Fact]
    public async Task Cancelling_during_the_prompt_pass_stops_it_between_chunks_and_the_engine_still_answers()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(_folder);
        var longPrompt = new GenerationRequest(
            [new ChatTurn(TurnRole.User, string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog ", 140)))],
            options: new GenerationOptions { MaxNewTokens = 1 });
        await engine.CompleteAsync(longPrompt); // warm up, so the measured pass is the one being cancelled
        GenerationStatistics full = (await engine.CompleteAsync(longPrompt)).Statistics;
        Assert.True(full.PrefillTime > TimeSpan.FromMilliseconds(150), $"the prompt pass took only {full.PrefillTime.TotalMilliseconds} ms; too short to cancel inside");

        using var cancel = new CancellationTokenSource(full.PrefillTime / 4);
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.CompleteAsync(longPrompt, cancel.Token));
        clock.Stop();

        // The prompt goes in in chunks of about 50 ms, so the request stops at the next chunk: far sooner than the whole pass.
        Assert.True(clock.Elapsed < full.PrefillTime * 0.8, $"cancelled after {clock.Elapsed.TotalMilliseconds} ms; the whole prompt pass takes {full.PrefillTime.TotalMilliseconds} ms");
        GenerationResult after = await engine.CompleteAsync(new GenerationRequest([new ChatTurn(TurnRole.User, "Hi")], options: new GenerationOptions { MaxNewTokens = 2, MinNewTokens = 2 }));
        Assert.Equal(2, after.Statistics.CompletionTokens);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

[CollectionDefinition(nameof(PrefillCancellationTests), DisableParallelization = true)]
public sealed class PrefillCancellationRunsAlone;
