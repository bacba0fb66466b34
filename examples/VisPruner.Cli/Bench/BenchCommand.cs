using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.DemoModels;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;

namespace VisPruner.Cli.Bench;

/// <summary>
/// Measures what pruning buys end to end on a bench-scale phi3v model (Phi-3.5-vision's layer and token counts, every width
/// divided by one factor), in one run: ONNX Runtime GenAI's own unpruned image path (what a user would run instead), the
/// engine unpruned, the engine at several token budgets, and a follow-up question that continues the generator.
/// </summary>
internal static class BenchCommand
{
    internal const string Question = "Describe this image in detail.";
    internal const int AnswerTokens = 32;

    public static Command Create()
    {
        var scale = new Option<int>("--scale") { Description = "Divide Phi-3.5-vision's widths by this factor.", DefaultValueFactory = _ => 8 };
        var runs = new Option<int>("--runs") { Description = "Measured runs per row (after one warm-up).", DefaultValueFactory = _ => 3 };
        var image = new Option<string>("--image") { Description = "The image (at the folder's 4 crops a 640x420 image gives 757 visual tokens).", DefaultValueFactory = _ => Path.Combine("examples", "images", "house.png") };
        var output = new Option<string>("--output") { Description = "Folder for results.md and ttft.svg.", DefaultValueFactory = _ => Path.Combine("docs", "bench") };
        var budgets = new Option<string>("--budgets") { Description = "Content tokens kept per image by the pruned rows.", DefaultValueFactory = _ => "256,128,64" };
        var memoryOf = new Option<int?>("--peak-memory-of") { Description = "Run only this row, once, and print the process's peak resident memory (the bench runs each row so, in a fresh process).", Hidden = true };
        var cancelTimeline = new Option<bool>("--cancel-timeline") { Description = "Instead, cancel the unpruned question at points across the whole request and print how soon the caller and the engine were free." };
        var cancelStep = new Option<int>("--cancel-step") { Description = "Milliseconds between the points of --cancel-timeline.", DefaultValueFactory = _ => 20 };
        var command = new Command("bench", "Measure time to first token, decode speed, KV cache and memory: ONNX Runtime GenAI's own path, the engine unpruned and pruned, and a follow-up turn.")
        {
            scale, runs, image, output, budgets, memoryOf, cancelTimeline, cancelStep,
        };
        command.SetAction((parse, ct) =>
        {
            var settings = new BenchSettings(parse.GetValue(scale), parse.GetValue(runs), parse.GetValue(image)!, parse.GetValue(output)!, parse.GetValue(budgets)!);
            return parse.GetValue(memoryOf) is int row ? PeakMemoryOfRowAsync(settings, row, ct)
                : parse.GetValue(cancelTimeline) ? CancelTimeline.RunAsync(settings, TimeSpan.FromMilliseconds(parse.GetValue(cancelStep)), ct)
                : RunAsync(settings, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        using var targets = new BenchTargets(TinyPhi3VisionModel.BenchScale(settings.Scale), settings.Scale, settings.ImagePath, Question, AnswerTokens);
        Console.Error.WriteLine($"Bench model: Phi-3.5-vision shapes / {settings.Scale} in {targets.Folder}");
        List<BenchCase> cases = await CasesAsync(targets, settings, cancellationToken);

        // Rows take turns within each run, so load from elsewhere on the machine falls on all of them alike.
        for (int run = -1; run < settings.Runs; run++)
        {
            foreach (BenchCase benchCase in cases)
            {
                BenchSample sample = await benchCase.Run();
                if (run >= 0)
                {
                    benchCase.Samples.Add(sample);
                }
            }
        }

        TinyPhi3VisionOptions model = targets.Model;
        var flops = new FlopModel(model, (await targets.EngineAsync(cancellationToken)).Config.Model.VocabSize);
        var fullSize = new FlopModel(TinyPhi3VisionModel.BenchScale(1), 32064); // the published Phi-3.5-vision
        var rows = new List<BenchRow>();
        for (int i = 0; i < cases.Count; i++)
        {
            BenchSample first = cases[i].Samples[0];
            long peakMemory = await PeakMemoryInFreshProcessAsync(settings, i, cancellationToken);
            rows.Add(cases[i].Summarize(
                flops.Vision(first.Crops) + flops.Prefill(first.PromptTokens),
                fullSize.Vision(first.Crops) + fullSize.Prefill(first.PromptTokens),
                peakMemory));
            Console.Error.WriteLine(rows[^1]);
        }

        BenchRow baseline = rows[2]; // the engine unpruned, at the folder's crops
        FollowUpResult followUp = await FollowUpAsync(targets, settings.Runs, cancellationToken);
        Directory.CreateDirectory(settings.OutputFolder);
        string markdown = BenchReport.Markdown(rows, baseline, followUp, model, settings.Scale, settings.Runs, Environment.ProcessorCount);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputFolder, "results.md"), markdown, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputFolder, "ttft.svg"), BenchReport.Chart(rows), cancellationToken);
        Console.WriteLine(markdown);
        return 0;
    }

    private static async Task<List<BenchCase>> CasesAsync(BenchTargets targets, BenchSettings settings, CancellationToken cancellationToken)
    {
        byte[] image = await File.ReadAllBytesAsync(settings.ImagePath, cancellationToken);
        TinyPhi3VisionOptions model = targets.Model;
        long kvBytesPerToken = 2L * model.DecoderLayers * model.KeyValueHeads * (model.HiddenSize / model.AttentionHeads) * sizeof(float);
        var cases = new List<BenchCase>
        {
            new("ONNX Runtime GenAI, own path", () => Task.FromResult(targets.GenAi.Run(kvBytesPerToken))),
            new("engine, unpruned (16 crops)", async () => await Measure(await targets.Engine16Async(cancellationToken), Ask(image, VisualTokenPruningOptions.Disabled), cancellationToken)),
            new("engine, unpruned", async () => await Measure(await targets.EngineAsync(cancellationToken), Ask(image, VisualTokenPruningOptions.Disabled), cancellationToken)),
        };
        foreach (string budget in settings.Budgets.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pruning = new VisualTokenPruningOptions { TokensPerImage = int.Parse(budget, CultureInfo.InvariantCulture) };
            cases.Add(new($"engine, {budget} tokens", async () => await Measure(await targets.EngineAsync(cancellationToken), Ask(image, pruning), cancellationToken)));
        }

        return cases;
    }

    /// <summary>
    /// The peak resident memory of a process that loads what one row needs and answers its question once: what a user
    /// running that configuration alone would see (in one process, each runtime's memory arenas would keep the largest
    /// row's peak for all the others).
    /// </summary>
    private static async Task<long> PeakMemoryInFreshProcessAsync(BenchSettings settings, int row, CancellationToken cancellationToken)
    {
        string host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        }

        foreach (string argument in new[] { "bench", "--scale", Invariant(settings.Scale), "--image", settings.ImagePath, "--budgets", settings.Budgets, "--peak-memory-of", Invariant(row) })
        {
            start.ArgumentList.Add(argument);
        }

        using Process child = Process.Start(start)!;
        string printed = await child.StandardOutput.ReadToEndAsync(cancellationToken);
        await child.WaitForExitAsync(cancellationToken);
        return child.ExitCode == 0
            ? long.Parse(printed.Trim().Split('\n')[^1], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Measuring the memory of bench row {row} failed (exit code {child.ExitCode}).");
    }

    private static async Task<int> PeakMemoryOfRowAsync(BenchSettings settings, int row, CancellationToken cancellationToken)
    {
        using var targets = new BenchTargets(TinyPhi3VisionModel.BenchScale(settings.Scale), settings.Scale, settings.ImagePath, Question, AnswerTokens);
        List<BenchCase> cases = await CasesAsync(targets, settings, cancellationToken);
        await cases[row].Run();
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(Invariant(self.PeakWorkingSet64)); // VmHWM on Linux
        return 0;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    internal static GenerationRequest Ask(byte[] image, VisualTokenPruningOptions pruning) => new(
        [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart(Question)])],
        [ImageInput.FromBytes(image)],
        new GenerationOptions { MaxNewTokens = AnswerTokens, MinNewTokens = AnswerTokens, Pruning = pruning });

    private static async Task<BenchSample> Measure(MultimodalEngine engine, GenerationRequest request, CancellationToken cancellationToken)
    {
        GenerationStatistics s = (await engine.CompleteAsync(request, cancellationToken)).Statistics;
        int crops = s.Images.Count == 0 ? 0 : CropsOf(s.Images[0].VisualTokensBeforePruning);
        return new BenchSample(
            crops, s.VisualTokens, s.PromptTokens, s.TimeToFirstToken.TotalMilliseconds, (s.VisionTime + s.ImagePreprocessingTime).TotalMilliseconds,
            s.PruningTime.TotalMilliseconds, s.PrefillTime.TotalMilliseconds, s.DecodeTokensPerSecond, s.PeakKvCacheBytes);
    }

    /// <summary>The crops (global view included) of a phi3v image with <paramref name="tokens"/> visual tokens.</summary>
    internal static int CropsOf(int tokens)
    {
        // tokens = (n + 1) * 144 + 1 + (h + 1) * 12 for n = h * w sub-crops; find the smallest grid that matches.
        for (int h = 1; h <= 16; h++)
        {
            for (int w = 1; h * w <= 16; w++)
            {
                if (((h * w) + 1) * 144 + 1 + ((h + 1) * 12) == tokens)
                {
                    return (h * w) + 1;
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// A first question whose answer ends on end-of-sequence (a scripted reply, so the bench model's random weights do not
    /// decide when it stops), then a follow-up: continued from the first generator, against the same follow-up fresh.
    /// </summary>
    private static async Task<FollowUpResult> FollowUpAsync(BenchTargets targets, int runs, CancellationToken cancellationToken)
    {
        byte[] image = await File.ReadAllBytesAsync(targets.ImagePath, cancellationToken);
        const string reply = "The image shows a small red house with a white cat on the steps.";
        GenerationRequest first = Ask(image, VisualTokenPruningOptions.Disabled) with { Options = new GenerationOptions { MaxNewTokens = 64, Pruning = VisualTokenPruningOptions.Disabled } };
        GenerationRequest followUp = first with
        {
            Messages = [.. first.Messages, new ChatTurn(TurnRole.Assistant, reply), new ChatTurn(TurnRole.User, "What colour is the door?")],
            Options = new GenerationOptions { MaxNewTokens = AnswerTokens, MinNewTokens = 0, Pruning = VisualTokenPruningOptions.Disabled },
        };

        string folder = await targets.Models.WriteAsync([reply], async probeFolder =>
        {
            using MultimodalEngine probe = await MultimodalEngine.LoadAsync(probeFolder, new MultimodalEngineOptions { VisionFeatureCacheBytes = 0 }, cancellationToken: cancellationToken);
            return [(await probe.CompleteAsync(first with { Options = new GenerationOptions { MaxNewTokens = 1, Pruning = VisualTokenPruningOptions.Disabled } }, cancellationToken)).Statistics.PromptTokens];
        }, cancellationToken);

        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder, cancellationToken: cancellationToken);
        using MultimodalEngine fresh = await MultimodalEngine.LoadAsync(folder, new MultimodalEngineOptions { ContinuableGenerators = 0 }, cancellationToken: cancellationToken);
        var continued = new List<GenerationStatistics>();
        var restarted = new List<GenerationStatistics>();
        var firsts = new List<GenerationStatistics>();
        for (int run = -1; run < runs; run++)
        {
            GenerationStatistics a = (await engine.CompleteAsync(first, cancellationToken)).Statistics;
            GenerationStatistics b = (await engine.CompleteAsync(followUp, cancellationToken)).Statistics;
            GenerationStatistics c = (await fresh.CompleteAsync(followUp, cancellationToken)).Statistics;
            if (run >= 0)
            {
                firsts.Add(a);
                continued.Add(b);
                restarted.Add(c);
            }
        }

        return new FollowUpResult(
            Median(firsts, s => s.TimeToFirstToken.TotalMilliseconds),
            Median(continued, s => s.TimeToFirstToken.TotalMilliseconds),
            Median(restarted, s => s.TimeToFirstToken.TotalMilliseconds),
            continued[0].PromptTokens,
            continued[0].ReusedPromptTokens);
    }

    internal static double Median(IEnumerable<GenerationStatistics> samples, Func<GenerationStatistics, double> value) => Median(samples.Select(value));

    internal static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>The bench command's arguments.</summary>
internal sealed record BenchSettings(int Scale, int Runs, string ImagePath, string OutputFolder, string Budgets);
