using System.CommandLine;
using System.Text.Json;
using VisPruner.Cli.Evaluation;
using VisPruner.Scenes;

namespace VisPruner.Cli.Tests.Evaluation;

/// <summary>The eval command end to end on a tiny held-out set: real scenes, the trained model, every output file.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class EvalCommandTests(TrainedModelFolder model) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vispruner-eval-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Evaluates_a_tiny_set_and_writes_report_chart_and_answers()
    {
        string data = Path.Combine(_root, "data"), output = Path.Combine(_root, "out");
        await SceneSetWriter.WriteAsync(data, new SceneRecipe(SceneSets.TestImages(null), SceneSets.HeldOutSeed), count: 2, rounds: 1, progress: null, CancellationToken.None);
        int questions = File.ReadAllLines(Path.Combine(data, SceneSetWriter.QuestionsFile)).Length;

        int exit = await Run("eval", "--data", data, "--model", model.Path, "--budgets", "all,64,16", "--selectors", "VisPruner,Random", "--output", output);

        Assert.Equal(0, exit);
        string report = await File.ReadAllTextAsync(Path.Combine(output, "results.md"));
        Assert.Contains($"{questions} questions about 2 images", report, StringComparison.Ordinal);
        // Every accuracy carries its interval, and VisPruner is compared with Random at both budgets, pairwise.
        Assert.Matches(@"\| VisPruner \| \d+\.\d% \[\d+\.\d, \d+\.\d\] \| \d+\.\d% \[\d+\.\d, \d+\.\d\] \| \d+\.\d% \[", report);
        Assert.Matches(@"\| 64 \| Random \| [+-]?\d+\.\d \[-?\d+\.\d, -?\d+\.\d\]\*? \|", report);
        Assert.Matches(@"\| 16 \| Random \| [+-]?\d+\.\d \[", report);
        Assert.Contains("- At 64 tokens, over all questions, VisPruner is ", report, StringComparison.Ordinal);
        byte[] png = await File.ReadAllBytesAsync(Path.Combine(output, "accuracy.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        string[] answers = await File.ReadAllLinesAsync(Path.Combine(output, "answers.jsonl"));
        Assert.Equal(questions * 5, answers.Length); // all + two selectors at two budgets
        using JsonDocument first = JsonDocument.Parse(answers[0]);
        Assert.Equal("all", first.RootElement.GetProperty("budget").GetString());
    }

    [Fact]
    public async Task The_unpruned_model_alone_gets_its_row()
    {
        string data = Path.Combine(_root, "data"), output = Path.Combine(_root, "out");
        await SceneSetWriter.WriteAsync(data, new SceneRecipe(SceneSets.TestImages(null), SceneSets.HeldOutSeed), count: 1, rounds: 1, progress: null, CancellationToken.None);

        Assert.Equal(0, await Run("eval", "--data", data, "--model", model.Path, "--budgets", "all", "--output", output));

        Assert.Matches(@"\| none \(all tokens\) \| \d+\.\d% \[\d+\.\d, \d+\.\d\] \|", await File.ReadAllTextAsync(Path.Combine(output, "results.md")));
    }

    [Fact]
    public async Task A_missing_data_folder_is_a_clear_error() =>
        Assert.Contains("does not exist", await FailureMessage("eval", "--data", Path.Combine(_root, "missing"), "--model", model.Path), StringComparison.Ordinal);

    [Fact]
    public async Task A_bad_budget_is_a_clear_error() =>
        Assert.Contains("--budgets: '-3'", await FailureMessage("eval", "--budgets", "all,-3", "--model", model.Path), StringComparison.Ordinal);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static Task<int> Run(params string[] args) => new RootCommand { EvalCommand.Create() }.Parse(args).InvokeAsync();

    // Runs a command that must fail with exit code 1 and returns what it wrote to standard error.
    private static async Task<string> FailureMessage(params string[] args)
    {
        (int exitCode, _, string error) = await ConsoleCapture.RunAsync(() => Run(args));
        Assert.Equal(1, exitCode);
        return error;
    }
}
