using VisPruner.Engine.DemoModels;

namespace VisPruner.Tests.Fixtures;

/// <summary>
/// The trained demo model built by the factory from the committed weights (which the test projects copy to
/// <c>models/</c>, as the CLI ships them) into a temporary folder, once per test class.
/// </summary>
public sealed class TrainedModelFolder : IDisposable
{
    public TrainedModelFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vispruner-trained-" + Guid.NewGuid().ToString("N"));
        Weights = SafetensorsWeights.Load(WeightsFile);
        Options = TinyPhi3VisionOptions.ForTrainedWeights(Weights);
        Info = TinyPhi3VisionModel.Write(Path, Options);
    }

    /// <summary>Gets the committed weights file, copied next to the tests.</summary>
    public static string WeightsFile => System.IO.Path.Combine(AppContext.BaseDirectory, "models", "fashion-scenes.safetensors");

    public string Path { get; }

    public SafetensorsWeights Weights { get; }

    public TinyPhi3VisionOptions Options { get; }

    public TinyPhi3VisionModelInfo Info { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
