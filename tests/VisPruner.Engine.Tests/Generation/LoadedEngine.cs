using VisPruner.DemoModels;

namespace VisPruner.Engine.Tests.Generation;

/// <summary>A demo model folder written for one test class, with an engine on it loaded on first use.</summary>
public abstract class LoadedEngine : IDisposable
{
    private readonly Lazy<Task<MultimodalEngine>> _engine;

    protected LoadedEngine(TinyPhi3VisionOptions model, MultimodalEngineOptions? options = null)
    {
        TinyPhi3VisionModel.Write(Folder, model);
        _engine = new(() => MultimodalEngine.LoadAsync(Folder, options));
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "vispruner-engine-" + Guid.NewGuid().ToString("N"));

    public Task<MultimodalEngine> EngineAsync() => _engine.Value;

    public void Dispose()
    {
        if (_engine.IsValueCreated)
        {
            _engine.Value.Result.Dispose();
        }

        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
