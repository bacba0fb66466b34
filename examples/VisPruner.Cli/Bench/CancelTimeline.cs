using System.Diagnostics;
using System.Globalization;
using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;

namespace VisPruner.Cli.Bench;

/// <summary>
/// Cancels the bench's unpruned question about its image at points every few milliseconds from the request's start to
/// its end, one request per point, and prints for each point the stage it fell in, how long the caller waited for its
/// <see cref="OperationCanceledException"/>, and when the engine was free again: a native call that cannot be interrupted
/// (the prompt's first pass, which carries every image row) finishes in the background first.
/// </summary>
internal static class CancelTimeline
{
    // Sent as soon as the caller is back: it waits for its turn until the engine is free.
    private static readonly GenerationRequest Next = new([new ChatTurn(TurnRole.User, "Hi")], options: new GenerationOptions { MaxNewTokens = 1 });

    public static async Task<int> RunAsync(BenchSettings settings, TimeSpan step, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, TimeSpan.FromMilliseconds(1), "--cancel-step");
        using var targets = BenchTargets.Create(settings);
        MultimodalEngine engine = await targets.EngineAsync(cancellationToken);
        GenerationRequest request = BenchCommand.Ask(await File.ReadAllBytesAsync(settings.ImagePath, cancellationToken), VisualTokenPruningOptions.Disabled);
        await engine.CompleteAsync(request, cancellationToken); // warm-up
        long start = Stopwatch.GetTimestamp();
        GenerationStatistics stages = (await engine.CompleteAsync(request, cancellationToken)).Statistics;
        TimeSpan total = Stopwatch.GetElapsedTime(start);

        Console.WriteLine($"{targets.Description}, {Path.GetFileName(settings.ImagePath)} unpruned ({stages.VisualTokens} visual tokens, {stages.PromptTokens} prompt tokens), {BenchCommand.AnswerTokens} answer tokens, {Environment.ProcessorCount} cores.");
        Console.WriteLine($"Uncancelled: {Ms(total)} ms; image {Ms(stages.ImagePreprocessingTime)} ms, vision encoder {Ms(stages.VisionTime)} ms, prompt pass {Ms(stages.PrefillTime)} ms, first token at {Ms(stages.TimeToFirstToken)} ms.");
        Console.WriteLine();
        Console.WriteLine("| cancelled at | stage | caller back after | engine free after |");
        Console.WriteLine("|---|---|---|---|");
        var returned = new List<double>();
        var free = new List<double>();
        for (TimeSpan at = TimeSpan.Zero; at < total; at += step)
        {
            if (await CancelAtAsync(engine, request, at, cancellationToken) is not { } point)
            {
                Console.WriteLine($"| {Ms(at)} ms | {StageAt(at, stages)} | (finished first) | |");
                continue;
            }

            returned.Add(point.Returned.TotalMilliseconds);
            free.Add(point.Free.TotalMilliseconds);
            Console.WriteLine($"| {Ms(at)} ms | {StageAt(at, stages)} | {point.Returned.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms | {Ms(point.Free)} ms |");
        }

        Console.WriteLine();
        Console.WriteLine($"{returned.Count} points cancelled. Caller back after: median {BenchCommand.Median(returned):F1} ms, max {returned.Max():F1} ms. " +
            $"Engine free after: median {BenchCommand.Median(free):F0} ms, max {free.Max():F0} ms.");
        return 0;
    }

    /// <summary>Cancels <paramref name="request"/> <paramref name="at"/> after it starts; null when it finished first.</summary>
    private static async Task<(TimeSpan Returned, TimeSpan Free)?> CancelAtAsync(MultimodalEngine engine, GenerationRequest request, TimeSpan at, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long cancelledAt = 0;

        // A thread of its own, timed just before it cancels: a thread-pool timer could fire late and blur the figure.
        var canceller = new Thread(() =>
        {
            Thread.Sleep(at);
            Volatile.Write(ref cancelledAt, Stopwatch.GetTimestamp());
            cancel.Cancel();
        }) { IsBackground = true };
        canceller.Start();
        TimeSpan returned;
        try
        {
            await engine.CompleteAsync(request, cancel.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            returned = Stopwatch.GetElapsedTime(Volatile.Read(ref cancelledAt));
        }
        finally
        {
            canceller.Join();
        }

        // The next request's time to first token, less its own prompt pass, is how long it waited for its turn.
        GenerationStatistics next = (await engine.CompleteAsync(Next, cancellationToken)).Statistics;
        return (returned, returned + next.TimeToFirstToken - next.PrefillTime);
    }

    /// <summary>The stage the uncancelled request was in <paramref name="at"/> after its start.</summary>
    private static string StageAt(TimeSpan at, GenerationStatistics stages)
    {
        TimeSpan imageEnd = stages.ImagePreprocessingTime;
        TimeSpan visionEnd = imageEnd + stages.VisionTime;
        TimeSpan pruningEnd = visionEnd + stages.PruningTime;
        return at < imageEnd ? "image decoding"
            : at < visionEnd ? "vision encoder"
            : at < pruningEnd ? "pruning"
            : at < stages.TimeToFirstToken ? "prompt pass"
            : "answer";
    }

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);
}
