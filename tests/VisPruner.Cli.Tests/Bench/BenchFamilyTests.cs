using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using VisPruner.Cli.Bench;

namespace VisPruner.Cli.Tests.Bench;

/// <summary>
/// <c>bench --demo</c> for each family: the same rows every time (ONNX Runtime GenAI's own path, the engine unpruned,
/// the budgets), with GenAI given the family's prompt for the image, so that it and the engine at the same settings
/// read the same prompt.
/// </summary>
[Collection(ConsoleCapture.Name)]
public sealed partial class BenchFamilyTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("vispruner-bench-family-").FullName;

    [Theory]
    [InlineData("phi3v", "Bench-scale phi3v (Phi-3.5-vision shapes with widths / 32", "engine, unpruned (16 crops)")]
    [InlineData("phi4mm", "Built-in phi4mm demo model (", "engine, unpruned")]
    [InlineData("gemma3", "Built-in gemma3 demo model (", "engine, unpruned")]
    public async Task Each_family_gets_GenAIs_own_path_the_engine_unpruned_and_the_budgets(string family, string heading, string sameSettingsAsGenAi)
    {
        (int exitCode, _, string error) = await Run(
            "bench", "--demo", family, "--scale", "32", "--image", ExampleImages.FashionScene, "--runs", "1", "--budgets", "64", "--output", _output);

        Assert.True(exitCode == 0, error);
        string report = await File.ReadAllTextAsync(Path.Combine(_output, "results.md"));
        Assert.StartsWith(heading, report, StringComparison.Ordinal);
        Dictionary<string, (int Visual, int Prompt)> rows = Rows(report);
        Assert.Equal("ONNX Runtime GenAI, own path", rows.Keys.First());
        Assert.Equal(["engine, unpruned", "engine, 64 tokens"], rows.Keys.TakeLast(2));

        // GenAI's processor and the engine at the same settings read the same prompt: the family's format, BOS included.
        Assert.Equal(rows["ONNX Runtime GenAI, own path"], rows[sameSettingsAsGenAi]);
        Assert.True(rows["engine, 64 tokens"].Visual < rows["engine, unpruned"].Visual, report);
        Assert.Contains(Invariant($"- Engine unpruned vs. ONNX Runtime GenAI at the same {rows[sameSettingsAsGenAi].Visual} visual tokens: "), report, StringComparison.Ordinal);
        Assert.Matches(@"- Engine at 64 tokens \(\d+ visual\): time to first token \d+ ms: \d+\.\d\dx of unpruned \(\d+ ms\), \d+\.\d\dx of ONNX Runtime GenAI's own path \(\d+ ms\)", report);
        Assert.Contains("- Follow-up question (", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_family_is_refused()
    {
        (int exitCode, _, string error) = await Run("bench", "--demo", "llava", "--output", _output);

        Assert.Equal(1, exitCode);
        Assert.Contains("error: --demo: 'llava' is not a built-in demo model; choose one of: phi3v, phi4mm, gemma3.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_output, "results.md")));
    }

    [Fact]
    public async Task Demo_and_model_together_are_refused()
    {
        (int exitCode, _, string error) = await Run("bench", "--demo", "phi4mm", "--model", _output, "--output", _output);

        Assert.Equal(1, exitCode);
        Assert.Contains($"error: --demo phi4mm and --model {_output} both choose the model: give one of them.", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);

    /// <summary>The report's rows in order: label, visual tokens, prompt tokens.</summary>
    private static Dictionary<string, (int Visual, int Prompt)> Rows(string report) =>
        TableRow().Matches(report).ToDictionary(
            m => m.Groups[1].Value,
            m => (int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));

    [GeneratedRegex(@"^\| ([^|]+) \| (?:-|\d+) \| (\d+) \| (\d+) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static Task<(int ExitCode, string Output, string Error)> Run(params string[] args) =>
        ConsoleCapture.RunAsync(() => new RootCommand { BenchCommand.Create() }.Parse(args).InvokeAsync());
}
