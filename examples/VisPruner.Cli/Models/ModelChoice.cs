using System.CommandLine;

namespace VisPruner.Cli.Models;

/// <summary>
/// What a command runs on: a model folder of the user's (<c>--model</c>, whose family the engine reads from its
/// <c>genai_config.json</c>) or a built-in demo model (<c>--demo</c>); at most one of them.
/// </summary>
/// <param name="ModelFolder">The user's folder; null for a built-in model.</param>
/// <param name="Demo">The built-in model asked for; null when none was (the command's default then applies).</param>
internal sealed record ModelChoice(string? ModelFolder, BuiltInModel? Demo)
{
    /// <summary>A <c>--demo</c> option that completes the family names.</summary>
    /// <param name="description">What the option does in its command.</param>
    public static Option<string?> DemoOption(string description)
    {
        var demo = new Option<string?>("--demo") { Description = $"{description} One of: {string.Join(", ", BuiltInModel.Families)}.", HelpName = "family" };
        demo.CompletionSources.Add([.. BuiltInModel.Families]);
        return demo;
    }

    /// <summary>The choice that <c>--model</c> and <c>--demo</c> make.</summary>
    /// <exception cref="ArgumentException">Both are given, or <paramref name="demo"/> names no built-in model.</exception>
    public static ModelChoice From(string? modelFolder, string? demo) =>
        modelFolder is not null && demo is not null
            ? throw new ArgumentException($"--demo {demo} and --model {modelFolder} both choose the model: give one of them.")
            : new ModelChoice(modelFolder, demo is null ? null : BuiltInModel.Named(demo));
}
