using System.Globalization;
using System.Text.RegularExpressions;
using VisPruner.Cli.Chat;

namespace VisPruner.Cli.Tests.Chat;

/// <summary>
/// <c>--demo</c> on the chat command: the README's acceptance command for each family's built-in demo model, which the
/// command writes into the demo model cache on first use, and the choices it refuses.
/// </summary>
[Collection(ConsoleCapture.Name)]
public sealed partial class DemoFamilyTests
{
    [Theory]
    [InlineData("phi3v")]
    [InlineData("phi4mm")]
    [InlineData("gemma3")]
    public async Task The_demo_model_of_each_family_answers_with_fewer_visual_tokens_than_its_image_produced(string family)
    {
        (int exitCode, string output, string error) = await Run(
            "--demo", family, "--image", ExampleImages.FashionScene, "--prompt", "What is in this picture?", "--tokens", "64");

        Assert.True(exitCode == 0, error);
        Assert.NotEmpty(output.Trim());
        Assert.Contains($"Loading {Path.Combine(DemoModelCache.Root, "demo-models")}", error, StringComparison.Ordinal);
        Assert.Contains($"... {family}, ", error, StringComparison.Ordinal);
        (int kept, int produced) = VisualTokens(error);
        Assert.True(kept < produced, error);
        Assert.InRange(kept, 1, produced - 1);
        Assert.Equal(family != "phi3v", error.Contains("Its weights are random: the answer is not meaningful", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Demo_and_model_together_are_refused()
    {
        (int exitCode, string output, string error) = await Run("--demo", "gemma3", "--model", "some-folder", "--image", ExampleImages.FashionScene);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("error: --demo gemma3 and --model some-folder both choose the model: give one of them.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_family_is_refused_with_the_valid_ones()
    {
        (int exitCode, string output, string error) = await Run("--demo", "llava", "--image", ExampleImages.FashionScene);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("error: --demo: 'llava' is not a built-in demo model; choose one of: phi3v, phi4mm, gemma3.", error, StringComparison.Ordinal);
    }

    /// <summary>The K and M of the statistics line <c>prompt tokens N (K visual of M produced)</c>.</summary>
    internal static (int Kept, int Produced) VisualTokens(string statistics)
    {
        Match line = StatisticsLine().Match(statistics);
        Assert.True(line.Success, statistics);
        return (int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^prompt tokens {7}\d+ \((\d+) visual of (\d+) produced\)\r?$", RegexOptions.Multiline)]
    private static partial Regex StatisticsLine();

    private static Task<(int ExitCode, string Output, string Error)> Run(params string[] args) =>
        ConsoleCapture.RunAsync(() => ChatCommand.Create().Parse(args).InvokeAsync());
}
