using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using VisPruner.Cli.Bench;

namespace VisPruner.Cli.Tests.Bench;

/// <summary>The bench command on a model folder of the user's (here the trained demo model): every row, GenAI's own path included, the follow-up, the files.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class BenchCommandTests(TrainedModelFolder model) : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("vispruner-bench-").FullName;

    [Fact]
    public async Task Measures_a_model_folder_unpruned_pruned_and_on_a_follow_up()
    {
        (int exitCode, _, string error) = await Run("bench", "--model", model.Path, "--image", ExampleImages.FashionScene, "--runs", "1", "--budgets", "64", "--output", _output);

        Assert.True(exitCode == 0, error);
        string report = await File.ReadAllTextAsync(Path.Combine(_output, "results.md"));
        Assert.StartsWith($"Model folder {model.Path}, one image, 1 runs", report, StringComparison.Ordinal);
        // Figures the timing cannot change: tokens, and no FLOP ratios without the model's shapes.
        Match unpruned = Regex.Match(report, @"\| engine, unpruned \| 5 \| (\d+) \| \d+ \| \d+ ms \| 1\.00 \| - \| - \|");
        Match pruned = Regex.Match(report, @"\| engine, 64 tokens \| 5 \| (\d+) \| \d+ \| \d+ ms \| \d+\.\d\d \| - \| - \|");
        Assert.True(unpruned.Success && pruned.Success, report);
        Assert.True(int.Parse(pruned.Groups[1].Value, CultureInfo.InvariantCulture) < int.Parse(unpruned.Groups[1].Value, CultureInfo.InvariantCulture), report);
        // GenAI's own path is tried on the folder too: its phi3v processor applies 16 crops where the folder asks for 4, and
        // that prompt outgrows the folder's context, which the bench reports instead of the row.
        Assert.Contains("- ONNX Runtime GenAI, own path could not run: input_ids size (2521) + current sequence length (0) exceeds max length (2048)", report, StringComparison.Ordinal);
        Assert.DoesNotContain("| ONNX Runtime GenAI, own path |", report, StringComparison.Ordinal);
        // The model's own first answer goes back into the history, and the follow-up continues its generator.
        Assert.Matches(@"Follow-up question \(\d+ prompt tokens, [1-9]\d* of them already in the continued generator's cache\)", report);
        Assert.Contains("<svg", await File.ReadAllTextAsync(Path.Combine(_output, "ttft.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_model_folder_is_a_clear_error()
    {
        string missing = Path.Combine(_output, "no-model");

        (int exitCode, _, string error) = await Run("bench", "--model", missing, "--image", ExampleImages.FashionScene, "--runs", "1", "--output", _output);

        Assert.Equal(1, exitCode);
        Assert.Contains("error: ", error, StringComparison.Ordinal);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);

    private static Task<(int ExitCode, string Output, string Error)> Run(params string[] args) =>
        ConsoleCapture.RunAsync(() => new RootCommand { BenchCommand.Create() }.Parse(args).InvokeAsync());
}
