using System.Diagnostics;
using VisPruner.Cli.Chat;

namespace VisPruner.Cli.Tests.Chat;

/// <summary>
/// <c>VISPRUNER_CACHE</c> is where built-in demo models are written: the CLI runs in a process of its own with the
/// variable set (it is read per process, and tests running beside this one use the default root).
/// </summary>
public sealed class CacheRootTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vispruner-cache-root-").FullName;

    [Fact]
    public async Task A_demo_model_is_written_under_VISPRUNER_CACHE_and_run_from_there()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { typeof(ChatCommand).Assembly.Location, "--demo", "gemma3", "--image", ExampleImages.FashionScene, "--tokens", "64", "--max-tokens", "4" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["VISPRUNER_CACHE"] = _root;
        using Process cli = Process.Start(start)!;
        Task<string> output = cli.StandardOutput.ReadToEndAsync();
        string error = await cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();

        Assert.True(cli.ExitCode == 0, error + await output);
        string folder = Path.Combine(_root, "demo-models", DemoModelCache.Gemma3DemoName);
        Assert.True(File.Exists(Path.Combine(folder, "genai_config.json")), error);
        Assert.Contains($"Loading {folder} ... gemma3, ", error, StringComparison.Ordinal);
        Assert.Equal([DemoModelCache.Gemma3DemoName], Directory.GetDirectories(Path.Combine(_root, "demo-models")).Select(Path.GetFileName));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
