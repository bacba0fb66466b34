namespace VisPruner.DemoModels;

/// <summary>
/// The trained demo model built from the committed weights into a temporary folder of its own, deleted on dispose: for
/// tests that look inside the folder or must not share the cache.
/// </summary>
public sealed class TrainedModelFolder : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="TrainedModelFolder"/> class, writing the folder.</summary>
    public TrainedModelFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vispruner-trained-" + Guid.NewGuid().ToString("N"));
        Weights = SafetensorsWeights.Load(TrainedDemoModel.WeightsFile);
        Options = TinyPhi3VisionOptions.ForTrainedWeights(Weights);
        Info = TinyPhi3VisionModel.Write(Path, Options);
    }

    /// <summary>Gets the folder.</summary>
    public string Path { get; }

    /// <summary>Gets the trained weights.</summary>
    public SafetensorsWeights Weights { get; }

    /// <summary>Gets the options the folder was written with.</summary>
    public TinyPhi3VisionOptions Options { get; }

    /// <summary>Gets what the factory reports about the folder.</summary>
    public TinyPhi3VisionModelInfo Info { get; }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
