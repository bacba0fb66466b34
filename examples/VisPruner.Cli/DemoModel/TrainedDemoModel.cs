using VisPruner.Engine.DemoModels;

namespace VisPruner.Cli.DemoModel;

/// <summary>
/// The CLI's default model: the small phi3v model trained on Fashion-MNIST scenes (see training/README.md), built by the
/// demo model factory from the weights shipped next to the executable into the user cache on first use.
/// </summary>
internal static class TrainedDemoModel
{
    /// <summary>Gets the weights file shipped with the CLI.</summary>
    public static string WeightsFile => Path.Combine(AppContext.BaseDirectory, "models", "fashion-scenes.safetensors");

    /// <summary>Returns the model folder, building it first if needed.</summary>
    public static string GetOrCreateFolder() => DemoModelCache.GetOrCreateTrained(WeightsFile);
}
