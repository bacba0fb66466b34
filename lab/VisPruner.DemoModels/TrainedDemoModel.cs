namespace VisPruner.DemoModels;

/// <summary>
/// The built-in demo model: the small phi3v model trained on Fashion-MNIST scenes (see training/README.md), built by the
/// factory from the committed weights, which every project referencing this one copies to <c>models/</c> next to itself.
/// </summary>
public static class TrainedDemoModel
{
    /// <summary>Gets the committed weights file, copied next to the running program.</summary>
    public static string WeightsFile => Path.Combine(AppContext.BaseDirectory, "models", "fashion-scenes.safetensors");

    /// <summary>Returns the model folder in the cache (<see cref="DemoModelCache"/>), building it first if needed.</summary>
    /// <returns>The folder.</returns>
    public static string GetOrCreateFolder() => DemoModelCache.GetOrCreateTrained(WeightsFile);
}
