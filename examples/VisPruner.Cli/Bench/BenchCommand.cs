using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Cli.Models;
using VisPruner.DemoModels;
using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;

namespace VisPruner.Cli.Bench;

/// <summary>
/// Measures what pruning buys end to end, in one run, for any family: ONNX Runtime GenAI's own unpruned image path (what a
/// user would run instead), the engine unpruned, the engine at several token budgets, and a follow-up question that
/// continues the generator. By default on a bench-scale phi3v model (Phi-3.5-vision's layer and token counts, every width
/// divided by one factor), with the FLOP ratios its shapes give; with <c>--demo</c>, on another family's built-in demo
/// model; with <c>--model</c>, on the user's own folder.
/// </summary>
internal static class BenchCommand
{
    internal const string Question = "Describe this image in detail.";
    internal const int AnswerTokens = 32;
    internal const string GenAiLabel = "ONNX Runtime GenAI, own path";
    internal const string UnprunedLabel = "engine, unpruned";
    private const string ScriptedReply = "The image shows a small red house with a white cat on the steps.";

    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "A model folder to measure (phi3v, phi4mm or gemma3, as its genai_config.json says). Default: a bench-scale phi3v model with random weights." };
        var demo = ModelChoice.DemoOption("Measure the built-in demo model of this family (phi3v: the bench-scale model, as by default).");
        var scale = new Option<int>("--scale") { Description = "Divide Phi-3.5-vision's widths by this factor (the bench-scale model).", DefaultValueFactory = _ => 8 };
        var runs = new Option<int>("--runs") { Description = "Measured runs per row (after one warm-up).", DefaultValueFactory = _ => 3 };
        var image = new Option<string>("--image") { Description = "The image (at the folder's 4 crops a 640x420 image gives 757 visual tokens).", DefaultValueFactory = _ => Path.Combine("examples", "images", "house.png") };
        var output = new Option<string?>("--output") { Description = "Folder for results.md and ttft.svg (default: docs/bench, or docs/bench/<family> for --demo phi4mm or gemma3)." };
        var budgets = new Option<string>("--budgets") { Description = "Content tokens kept per image by the pruned rows.", DefaultValueFactory = _ => "256,128,64" };
        var memoryOf = new Option<int?>("--peak-memory-of") { Description = "Run only this row, once, and print the process's peak resident memory (the bench runs each row so, in a fresh process).", Hidden = true };
        var genAiPrompt = new Option<string?>("--genai-prompt") { Description = "The prompt of ONNX Runtime GenAI's own path, passed to the process that measures a row's memory.", Hidden = true };
        var cancelTimeline = new Option<bool>("--cancel-timeline") { Description = "Instead, cancel the unpruned question at points across the whole request and print how soon the caller and the engine were free." };
        var cancelStep = new Option<int>("--cancel-step") { Description = "Milliseconds between the points of --cancel-timeline.", DefaultValueFactory = _ => 20 };
        var command = new Command("bench", "Measure time to first token, decode speed, KV cache and memory: ONNX Runtime GenAI's own path, the engine unpruned and pruned, and a follow-up turn.")
        {
            model, demo, scale, runs, image, output, budgets, memoryOf, genAiPrompt, cancelTimeline, cancelStep,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new BenchSettings(
                parse.GetValue(model), parse.GetValue(demo), parse.GetValue(scale), parse.GetValue(runs), parse.GetValue(image)!, parse.GetValue(output), parse.GetValue(budgets)!)
            {
                GenAiPrompt = parse.GetValue(genAiPrompt),
            };
            return await CommandErrors.ReportAsync(async () => parse.GetValue(memoryOf) is int row ? await PeakMemoryOfRowAsync(settings, row, ct)
                : parse.GetValue(cancelTimeline) ? await CancelTimeline.RunAsync(settings, TimeSpan.FromMilliseconds(parse.GetValue(cancelStep)), ct)
                : await RunAsync(settings, ct));
        });
        return command;
    }

    private static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.Runs, "--runs");
        using var targets = BenchTargets.Create(settings);
        Console.Error.WriteLine($"Bench model: {targets.Folder}");
        List<BenchCase> cases = await CasesAsync(targets, settings, cancellationToken);
        string genAiPrompt = await targets.GenAiPromptAsync(cancellationToken);

        // Rows take turns within each run, so load from elsewhere on the machine falls on all of them alike.
        for (int run = -1; run < settings.Runs; run++)
        {
            foreach (BenchCase benchCase in cases.Where(c => c.Failure is null))
            {
                BenchSample sample;
                try
                {
                    sample = await benchCase.Run();
                }
                catch (OnnxRuntimeGenAIException ex) when (run < 0)
                {
                    // GenAI's own path may refuse what the engine runs (phi3v's 16 crops can outgrow the context): a finding.
                    benchCase.Failure = ex.Message;
                    continue;
                }

                if (run >= 0)
                {
                    benchCase.Samples.Add(sample);
                }
            }
        }

        // Multiply-accumulate counts need the model's shapes: known for the bench-scale model only.
        FlopModel? flops = targets.Model is { } shapes ? new FlopModel(shapes, (await targets.EngineAsync(cancellationToken)).Config.Model.VocabSize) : null;
        var fullSize = new FlopModel(TinyPhi3VisionModel.BenchScale(1), 32064); // the published Phi-3.5-vision
        var rows = new List<BenchRow>();
        for (int i = 0; i < cases.Count; i++)
        {
            if (cases[i].Failure is not null)
            {
                continue;
            }

            BenchSample first = cases[i].Samples[0];
            long peakMemory = await PeakMemoryInFreshProcessAsync(settings with { GenAiPrompt = genAiPrompt }, i, cancellationToken);
            rows.Add(cases[i].Summarize(
                flops is null ? double.NaN : flops.Vision(first.Crops) + flops.Prefill(first.PromptTokens),
                flops is null ? double.NaN : fullSize.Vision(first.Crops) + fullSize.Prefill(first.PromptTokens),
                peakMemory));
            Console.Error.WriteLine(rows[^1]);
        }

        BenchRow baseline = rows.Single(r => r.Label == UnprunedLabel); // the engine unpruned, at the folder's crops
        FollowUpResult followUp = await FollowUpAsync(targets, settings.Runs, cancellationToken);
        Directory.CreateDirectory(targets.OutputFolder);
        string markdown = BenchReport.Markdown(rows, cases.Where(c => c.Failure is not null), baseline, followUp, targets, settings.Runs, Environment.ProcessorCount);
        await File.WriteAllTextAsync(Path.Combine(targets.OutputFolder, "results.md"), markdown, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(targets.OutputFolder, "ttft.svg"), BenchReport.Chart(rows), cancellationToken);
        Console.WriteLine(markdown);
        return 0;
    }

    private static async Task<List<BenchCase>> CasesAsync(BenchTargets targets, BenchSettings settings, CancellationToken cancellationToken)
    {
        byte[] image = await File.ReadAllBytesAsync(settings.ImagePath, cancellationToken);
        var cases = new List<BenchCase>
        {
            new(GenAiLabel, async () => targets.GenAi.Run(await targets.GenAiPromptAsync(cancellationToken))),
        };
        if (targets.GenAiHasOwnFolder)
        {
            cases.Add(new("engine, unpruned (16 crops)", async () => await MeasureAsync(await targets.EngineAtGenAiSettingsAsync(cancellationToken), Ask(image, VisualTokenPruningOptions.Disabled), cancellationToken)));
        }

        cases.Add(new(UnprunedLabel, async () => await MeasureAsync(await targets.EngineAsync(cancellationToken), Ask(image, VisualTokenPruningOptions.Disabled), cancellationToken)));
        foreach (int budget in ParseBudgets(settings.Budgets))
        {
            var pruning = new VisualTokenPruningOptions { TokensPerImage = budget };
            cases.Add(new(Invariant($"engine, {budget} tokens"), async () => await MeasureAsync(await targets.EngineAsync(cancellationToken), Ask(image, pruning), cancellationToken)));
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

        foreach ((string name, string? value) in new[] { ("--model", settings.ModelFolder), ("--demo", settings.Demo), ("--genai-prompt", settings.GenAiPrompt) })
        {
            if (value is not null)
            {
                start.ArgumentList.Add(name);
                start.ArgumentList.Add(value);
            }
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
        using var targets = BenchTargets.Create(settings);
        List<BenchCase> cases = await CasesAsync(targets, settings, cancellationToken);
        await cases[row].Run();
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(Invariant(self.PeakWorkingSet64)); // VmHWM on Linux
        return 0;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<int> ParseBudgets(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(b =>
        int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n
        : throw new ArgumentException($"--budgets: '{b}' is not a positive number."));

    internal static GenerationRequest Ask(byte[] image, VisualTokenPruningOptions pruning) => new(
        [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart(Question)])],
        [ImageInput.FromBytes(image)],
        new GenerationOptions { MaxNewTokens = AnswerTokens, MinNewTokens = AnswerTokens, Pruning = pruning });

    private static async Task<BenchSample> MeasureAsync(MultimodalEngine engine, GenerationRequest request, CancellationToken cancellationToken)
    {
        GenerationStatistics s = (await engine.CompleteAsync(request, cancellationToken)).Statistics;
        int crops = s.Images.Count == 0 ? 0 : CropsOf(engine.ModelType, s.Images[0].VisualTokensBeforePruning);
        return new BenchSample(
            crops, s.VisualTokens, s.PromptTokens, s.TimeToFirstToken.TotalMilliseconds, (s.VisionTime + s.ImagePreprocessingTime).TotalMilliseconds,
            s.PruningTime.TotalMilliseconds, s.PrefillTime.TotalMilliseconds, s.DecodeTokensPerSecond, s.PeakKvCacheBytes);
    }

    /// <summary>
    /// The crops (global view included) of a phi3v image with <paramref name="tokens"/> visual tokens; 0 (unknown) for
    /// the other families, whose token counts the bench does not break down.
    /// </summary>
    internal static int CropsOf(string modelType, int tokens)
    {
        if (modelType != "phi3v")
        {
            return 0;
        }

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
    /// A first question, then a follow-up: continued from the first generator, against the same follow-up fresh. The
    /// bench-scale model's first answer is scripted to end on end-of-sequence (its random weights would not decide when
    /// it stops); a real model's is its own.
    /// </summary>
    private static async Task<FollowUpResult> FollowUpAsync(BenchTargets targets, int runs, CancellationToken cancellationToken)
    {
        byte[] image = await File.ReadAllBytesAsync(targets.ImagePath, cancellationToken);
        GenerationRequest first = Ask(image, VisualTokenPruningOptions.Disabled) with { Options = new GenerationOptions { MaxNewTokens = 64, Pruning = VisualTokenPruningOptions.Disabled } };
        string folder = targets.Models is not null ? await ScriptedFolderAsync(targets, first, cancellationToken) : targets.Folder;
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder, cancellationToken: cancellationToken);
        using MultimodalEngine fresh = await MultimodalEngine.LoadAsync(folder, new MultimodalEngineOptions { ContinuableGenerators = 0 }, cancellationToken: cancellationToken);
        string reply = targets.Model is null ? (await fresh.CompleteAsync(first, cancellationToken)).Text : ScriptedReply;
        GenerationRequest followUp = first with
        {
            Messages = [.. first.Messages, new ChatTurn(TurnRole.Assistant, reply), new ChatTurn(TurnRole.User, "What colour is the door?")],
            Options = new GenerationOptions { MaxNewTokens = AnswerTokens, MinNewTokens = 0, Pruning = VisualTokenPruningOptions.Disabled },
        };

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

    /// <summary>The bench-scale model with its first answer scripted: a folder whose decoder answers <see cref="ScriptedReply"/>, then end-of-sequence.</summary>
    private static Task<string> ScriptedFolderAsync(BenchTargets targets, GenerationRequest first, CancellationToken cancellationToken) =>
        targets.Models!.WriteAsync([ScriptedReply], async probeFolder =>
        {
            using MultimodalEngine probe = await MultimodalEngine.LoadAsync(probeFolder, new MultimodalEngineOptions { VisionFeatureCacheBytes = 0 }, cancellationToken: cancellationToken);
            return [(await probe.CompleteAsync(first with { Options = new GenerationOptions { MaxNewTokens = 1, Pruning = VisualTokenPruningOptions.Disabled } }, cancellationToken)).Statistics.PromptTokens];
        }, cancellationToken);

    internal static double Median(IEnumerable<GenerationStatistics> samples, Func<GenerationStatistics, double> value) => Median(samples.Select(value));

    internal static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>The bench command's arguments.</summary>
/// <param name="ModelFolder"><c>--model</c>.</param>
/// <param name="Demo"><c>--demo</c>.</param>
/// <param name="Scale"><c>--scale</c>, for the bench-scale phi3v model.</param>
/// <param name="Runs"><c>--runs</c>.</param>
/// <param name="ImagePath"><c>--image</c>.</param>
/// <param name="OutputFolder"><c>--output</c>; null for the model's default.</param>
/// <param name="Budgets"><c>--budgets</c>.</param>
internal sealed record BenchSettings(string? ModelFolder, string? Demo, int Scale, int Runs, string ImagePath, string? OutputFolder, string Budgets)
{
    /// <summary>Gets ONNX Runtime GenAI's prompt when a parent bench process has made it; null otherwise.</summary>
    public string? GenAiPrompt { get; init; }
}
