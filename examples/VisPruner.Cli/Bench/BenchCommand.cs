using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using VisPruner.Engine;
using VisPruner.Engine.DemoModels;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Cli.Bench;

/// <summary>
/// Measures what pruning buys end to end on a bench-scale phi3v model (Phi-3.5-vision's layer and token counts, every width
/// divided by one factor): time to first token, decode speed, KV cache and peak memory at several token budgets.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var scale = new Option<int>("--scale") { Description = "Divide Phi-3.5-vision's widths by this factor.", DefaultValueFactory = _ => 8 };
        var runs = new Option<int>("--runs") { Description = "Measured runs per budget (after one warm-up).", DefaultValueFactory = _ => 3 };
        var image = new Option<string>("--image") { Description = "The image (a 2x2-crop image gives 757 visual tokens).", DefaultValueFactory = _ => Path.Combine("examples", "images", "house.png") };
        var output = new Option<string>("--output") { Description = "Folder for results.md and ttft.svg.", DefaultValueFactory = _ => Path.Combine("docs", "bench") };
        var budgets = new Option<string>("--budgets") { Description = "Content tokens kept per image; 'all' for no pruning.", DefaultValueFactory = _ => "all,256,128,64,32" };
        var command = new Command("bench", "Measure time to first token, decode speed and KV cache at several visual-token budgets.") { scale, runs, image, output, budgets };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(scale), parse.GetValue(runs), parse.GetValue(image)!, parse.GetValue(output)!, parse.GetValue(budgets)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(int scale, int runs, string imagePath, string outputFolder, string budgetList, CancellationToken cancellationToken)
    {
        TinyPhi3VisionOptions model = TinyPhi3VisionModel.BenchScale(scale); // growing KV cache: its size follows the prompt
        string folder = DemoModelCache.GetOrCreate($"bench-phi3v-qa-1-{scale}", model);
        Console.Error.WriteLine($"Bench model: Phi-3.5-vision shapes / {scale} in {folder}");

        // No feature cache: every run pays for the vision encoder, as a first question about an image does.
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(
            folder, new MultimodalEngineOptions { VisionFeatureCacheBytes = 0 }, cancellationToken: cancellationToken);
        byte[] image = await File.ReadAllBytesAsync(imagePath, cancellationToken);
        var flops = new FlopModel(model, engine.Tokenizer.VocabularySize);
        var fullSize = new FlopModel(TinyPhi3VisionModel.BenchScale(1), 32064); // the published Phi-3.5-vision

        string[] budgets = budgetList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        GenerationRequest[] requests = [.. budgets.Select(budget => new GenerationRequest(
            [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("Describe this image in detail.")])],
            [ImageInput.FromBytes(image)],
            new GenerationOptions
            {
                MaxNewTokens = 32,
                MinNewTokens = 32,
                Pruning = budget == "all" ? VisualTokenPruningOptions.Disabled : new VisualTokenPruningOptions { TokensPerImage = int.Parse(budget, CultureInfo.InvariantCulture) },
            }))];

        // Budgets take turns within each run, so load from elsewhere on the machine falls on all of them alike.
        var samples = budgets.Select(_ => new List<GenerationStatistics>()).ToArray();
        var peakMemory = new long[budgets.Length];
        for (int run = -1; run < runs; run++)
        {
            for (int b = 0; b < budgets.Length; b++)
            {
                using var sampler = new PeakMemorySampler();
                GenerationStatistics statistics = (await engine.CompleteAsync(requests[b], cancellationToken)).Statistics;
                if (run >= 0)
                {
                    samples[b].Add(statistics);
                    peakMemory[b] = Math.Max(peakMemory[b], sampler.Peak);
                }
            }
        }

        var rows = new List<BenchRow>();
        for (int b = 0; b < budgets.Length; b++)
        {
            GenerationStatistics first = samples[b][0];
            int crops = first.Images[0].VisualTokensBeforePruning == 757 ? 5 : 0;
            rows.Add(new BenchRow(
                budgets[b],
                first.VisualTokens,
                first.PromptTokens,
                Median(samples[b], s => s.TimeToFirstToken.TotalMilliseconds),
                Median(samples[b], s => s.VisionTime.TotalMilliseconds + s.ImagePreprocessingTime.TotalMilliseconds),
                Median(samples[b], s => s.PruningTime.TotalMilliseconds),
                Median(samples[b], s => s.PrefillTime.TotalMilliseconds),
                Median(samples[b], s => s.DecodeTokensPerSecond),
                first.PeakKvCacheBytes,
                peakMemory[b],
                crops == 0 ? double.NaN : flops.Vision(crops) + flops.Prefill(first.PromptTokens),
                crops == 0 ? double.NaN : fullSize.Vision(crops) + fullSize.Prefill(first.PromptTokens)));
            Console.Error.WriteLine(rows[^1].ToString());
        }

        Directory.CreateDirectory(outputFolder);
        string markdown = BenchReport.Markdown(rows, model, scale, runs, Environment.ProcessorCount);
        await File.WriteAllTextAsync(Path.Combine(outputFolder, "results.md"), markdown, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outputFolder, "ttft.svg"), BenchReport.Chart(rows), cancellationToken);
        Console.WriteLine(markdown);
        return 0;
    }

    private static double Median(List<GenerationStatistics> samples, Func<GenerationStatistics, double> value)
    {
        double[] sorted = [.. samples.Select(value).Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Samples the process working set every few milliseconds while alive.</summary>
    private sealed class PeakMemorySampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _peak;

        public PeakMemorySampler()
        {
            _loop = Task.Run(async () =>
            {
                using var process = Process.GetCurrentProcess();
                while (!_stop.IsCancellationRequested)
                {
                    process.Refresh();
                    _peak = Math.Max(_peak, process.WorkingSet64);
                    await Task.Delay(5).ConfigureAwait(false);
                }
            });
        }

        public long Peak => Volatile.Read(ref _peak);

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait();
            _stop.Dispose();
        }
    }
}

/// <summary>One budget's medians.</summary>
internal sealed record BenchRow(
    string Budget, int VisualTokens, int PromptTokens, double TimeToFirstTokenMs, double VisionMs, double SelectionMs, double PrefillMs,
    double DecodeTokensPerSecond, long KvCacheBytes, long PeakWorkingSetBytes, double MultiplyAccumulates, double FullSizeMultiplyAccumulates);
