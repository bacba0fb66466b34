using System.CommandLine;
using System.Globalization;
using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.DemoModels;
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
    private const string Question = "Describe this image in detail.";
    private const int AnswerTokens = 32;

    public static Command Create()
    {
        var scale = new Option<int>("--scale") { Description = "Divide Phi-3.5-vision's widths by this factor.", DefaultValueFactory = _ => 8 };
        var runs = new Option<int>("--runs") { Description = "Measured runs per row (after one warm-up).", DefaultValueFactory = _ => 3 };
        var image = new Option<string>("--image") { Description = "The image (at the folder's 4 crops a 640x420 image gives 757 visual tokens).", DefaultValueFactory = _ => Path.Combine("examples", "images", "house.png") };
        var output = new Option<string>("--output") { Description = "Folder for results.md and ttft.svg.", DefaultValueFactory = _ => Path.Combine("docs", "bench") };
        var budgets = new Option<string>("--budgets") { Description = "Content tokens kept per image by the pruned rows.", DefaultValueFactory = _ => "256,128,64" };
        var command = new Command("bench", "Measure time to first token, decode speed, KV cache and memory: ONNX Runtime GenAI's own path, the engine unpruned and pruned, and a follow-up turn.") { scale, runs, image, output, budgets };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(scale), parse.GetValue(runs), parse.GetValue(image)!, parse.GetValue(output)!, parse.GetValue(budgets)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(int scale, int runs, string imagePath, string outputFolder, string budgetList, CancellationToken cancellationToken)
    {
        TinyPhi3VisionOptions model = TinyPhi3VisionModel.BenchScale(scale); // growing KV cache: its size follows the prompt
        string folder = DemoModelCache.GetOrCreate($"bench-phi3v-{scale}", model);

        // The same weights with the 16-crop processor configuration that ONNX Runtime GenAI's processor always applies.
        string folder16 = DemoModelCache.GetOrCreate($"bench-phi3v-{scale}-16crops", model with { NumCrops = 16 });
        Console.Error.WriteLine($"Bench model: Phi-3.5-vision shapes / {scale} in {folder}");
        byte[] image = await File.ReadAllBytesAsync(imagePath, cancellationToken);

        // No feature cache: every run pays for the vision encoder, as a first question about an image does.
        var options = new MultimodalEngineOptions { VisionFeatureCacheBytes = 0, ContinuableGenerators = 0 };
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder, options, cancellationToken: cancellationToken);
        using MultimodalEngine engine16 = await MultimodalEngine.LoadAsync(folder16, options, cancellationToken: cancellationToken);
        using var genAi = new GenAiOwnPath(folder16, imagePath, Question, AnswerTokens);
        var flops = new FlopModel(model, engine.Config.Model.VocabSize);
        var fullSize = new FlopModel(TinyPhi3VisionModel.BenchScale(1), 32064); // the published Phi-3.5-vision
        long kvBytesPerToken = 2L * model.DecoderLayers * model.KeyValueHeads * (model.HiddenSize / model.AttentionHeads) * sizeof(float);

        var cases = new List<BenchCase>
        {
            new("ONNX Runtime GenAI, own path", () => Task.FromResult(genAi.Run(kvBytesPerToken))),
            new("engine, unpruned (16 crops)", () => Measure(engine16, Ask(image, VisualTokenPruningOptions.Disabled), cancellationToken)),
            new("engine, unpruned", () => Measure(engine, Ask(image, VisualTokenPruningOptions.Disabled), cancellationToken)),
        };
        foreach (string budget in budgetList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pruning = new VisualTokenPruningOptions { TokensPerImage = int.Parse(budget, CultureInfo.InvariantCulture) };
            cases.Add(new($"engine, {budget} tokens", () => Measure(engine, Ask(image, pruning), cancellationToken)));
        }

        // Rows take turns within each run, so load from elsewhere on the machine falls on all of them alike.
        for (int run = -1; run < runs; run++)
        {
            foreach (BenchCase benchCase in cases)
            {
                using var sampler = new PeakMemorySampler();
                BenchSample sample = await benchCase.Run();
                if (run >= 0)
                {
                    benchCase.Samples.Add(sample with { PeakWorkingSetBytes = sampler.Peak });
                }
            }
        }

        var rows = new List<BenchRow>();
        foreach (BenchCase benchCase in cases)
        {
            BenchSample first = benchCase.Samples[0];
            rows.Add(benchCase.Summarize(
                flops.Vision(first.Crops) + flops.Prefill(first.PromptTokens),
                fullSize.Vision(first.Crops) + fullSize.Prefill(first.PromptTokens)));
            Console.Error.WriteLine(rows[^1]);
        }

        BenchRow baseline = rows[2]; // the engine unpruned, at the folder's crops
        FollowUpResult followUp = await FollowUpAsync(model, scale, image, runs, cancellationToken);
        Directory.CreateDirectory(outputFolder);
        string markdown = BenchReport.Markdown(rows, baseline, followUp, model, scale, runs, Environment.ProcessorCount);
        await File.WriteAllTextAsync(Path.Combine(outputFolder, "results.md"), markdown, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outputFolder, "ttft.svg"), BenchReport.Chart(rows), cancellationToken);
        Console.WriteLine(markdown);
        return 0;
    }

    private static GenerationRequest Ask(byte[] image, VisualTokenPruningOptions pruning) => new(
        [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart(Question)])],
        [ImageInput.FromBytes(image)],
        new GenerationOptions { MaxNewTokens = AnswerTokens, MinNewTokens = AnswerTokens, Pruning = pruning });

    private static async Task<BenchSample> Measure(MultimodalEngine engine, GenerationRequest request, CancellationToken cancellationToken)
    {
        GenerationStatistics s = (await engine.CompleteAsync(request, cancellationToken)).Statistics;
        int crops = s.Images.Count == 0 ? 0 : CropsOf(s.Images[0].VisualTokensBeforePruning);
        return new BenchSample(
            crops, s.VisualTokens, s.PromptTokens, s.TimeToFirstToken.TotalMilliseconds, (s.VisionTime + s.ImagePreprocessingTime).TotalMilliseconds,
            s.PruningTime.TotalMilliseconds, s.PrefillTime.TotalMilliseconds, s.DecodeTokensPerSecond, s.PeakKvCacheBytes, 0);
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
    private static async Task<FollowUpResult> FollowUpAsync(TinyPhi3VisionOptions model, int scale, byte[] image, int runs, CancellationToken cancellationToken)
    {
        const string reply = "The image shows a small red house with a white cat on the steps.";
        GenerationRequest first = Ask(image, VisualTokenPruningOptions.Disabled) with { Options = new GenerationOptions { MaxNewTokens = 64, Pruning = VisualTokenPruningOptions.Disabled } };
        GenerationRequest followUp = first with
        {
            Messages = [.. first.Messages, new ChatTurn(TurnRole.Assistant, reply), new ChatTurn(TurnRole.User, "What colour is the door?")],
            Options = new GenerationOptions { MaxNewTokens = AnswerTokens, MinNewTokens = 0, Pruning = VisualTokenPruningOptions.Disabled },
        };

        int promptTokens;
        int[] script;
        string plain = DemoModelCache.GetOrCreate($"bench-phi3v-{scale}", model);
        using (MultimodalEngine probe = await MultimodalEngine.LoadAsync(plain, new MultimodalEngineOptions { VisionFeatureCacheBytes = 0 }, cancellationToken: cancellationToken))
        {
            promptTokens = (await probe.CompleteAsync(first with { Options = new GenerationOptions { MaxNewTokens = 1, Pruning = VisualTokenPruningOptions.Disabled } }, cancellationToken)).Statistics.PromptTokens;
            script = probe.EncodeText(reply);
        }

        string folder = DemoModelCache.GetOrCreate($"bench-phi3v-{scale}-scripted-{promptTokens}", model with { Script = new TinyPhi3VisionScript(promptTokens, script) });
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
