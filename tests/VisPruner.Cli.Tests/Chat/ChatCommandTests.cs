using VisPruner.Cli.Chat;

namespace VisPruner.Cli.Tests.Chat;

/// <summary>The default command end to end on the trained demo model, as the README runs it.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class ChatCommandTests(TrainedModelFolder model) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vispruner-chat-").FullName;

    [Fact]
    public async Task Answers_the_readme_question_and_draws_the_kept_tokens()
    {
        string kept = Path.Combine(_root, "kept.png");

        (int exitCode, string output, string error) = await Run("--model", model.Path, "--image", ExampleImages.FashionScene, "--prompt", "What colour is the sneaker?", "--explain", kept);

        Assert.Equal(0, exitCode);
        Assert.Equal("yellow", output.Trim());
        Assert.Contains("finish reason       stop", error, StringComparison.Ordinal);
        Assert.Contains("kept tokens drawn to", error, StringComparison.Ordinal);
        byte[] png = await File.ReadAllBytesAsync(kept);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public async Task A_file_that_is_no_image_is_a_clear_error()
    {
        string notAnImage = Path.Combine(_root, "notes.png");
        await File.WriteAllTextAsync(notAnImage, "not a picture");

        (int exitCode, string output, string error) = await Run("--model", model.Path, "--image", notAnImage);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, output.Trim());
        Assert.Contains("error: Image 1 of the request: Unrecognised image data", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Task<(int ExitCode, string Output, string Error)> Run(params string[] args) =>
        ConsoleCapture.RunAsync(() => ChatCommand.Create().Parse(args).InvokeAsync());
}
