namespace VisPruner.Cli.Tests;

/// <summary>
/// Runs a command with standard output and error captured. The console is one per process, so every test class that
/// captures it belongs to <see cref="Name"/>, whose tests run one at a time; they share one trained model folder.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCapture : ICollectionFixture<TrainedModelFolder>
{
    public const string Name = "Console";

    /// <summary>Runs <paramref name="command"/>; returns its exit code and what it wrote to standard output and error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(Func<Task<int>> command)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        TextWriter originalOutput = Console.Out, originalError = Console.Error;
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int exitCode = await command();
            return (exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOutput);
            Console.SetError(originalError);
        }
    }
}
