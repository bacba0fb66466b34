using VisPruner.Cli.Chat;

namespace VisPruner.Cli.Tests.Chat;

/// <summary><c>--model</c> takes a folder of any family the engine runs, read from its <c>genai_config.json</c>, and nothing else.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class ModelFolderFamilyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vispruner-families-").FullName;

    [Fact]
    public async Task A_folder_of_another_family_runs_as_its_config_says_with_nothing_to_pass()
    {
        string folder = Path.Combine(_root, "phi4mm");
        TinyPhi4MultimodalModel.Write(folder);

        (int exitCode, string output, string error) = await Run("--model", folder, "--image", ExampleImages.FashionScene, "--tokens", "64", "--max-tokens", "8");

        Assert.True(exitCode == 0, error);
        Assert.NotEmpty(output.Trim());
        Assert.Contains($"Loading {folder} ... phi4mm, ", error, StringComparison.Ordinal);
        (int kept, int produced) = DemoFamilyTests.VisualTokens(error);
        Assert.True(kept < produced, error);
    }

    [Fact]
    public async Task A_folder_of_an_unsupported_type_is_the_engines_clear_error()
    {
        string folder = Path.Combine(_root, "llava");
        TinyGemma3Model.Write(folder);
        string config = Path.Combine(folder, "genai_config.json");
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(config)).Replace("\"gemma3\"", "\"llava\"", StringComparison.Ordinal));

        (int exitCode, string output, string error) = await Run("--model", folder, "--image", ExampleImages.FashionScene);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("error: genai_config.json: model.type 'llava' is not supported; supported types: phi3v, phi4mm, gemma3.", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Task<(int ExitCode, string Output, string Error)> Run(params string[] args) =>
        ConsoleCapture.RunAsync(() => ChatCommand.Create().Parse(args).InvokeAsync());
}
