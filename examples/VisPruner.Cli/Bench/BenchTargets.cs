using VisPruner.Engine;
using VisPruner.DemoModels;

namespace VisPruner.Cli.Bench;

/// <summary>
/// What the bench rows run on, each loaded on first use: the engine at the folder's crops, the engine at 16 crops, and
/// ONNX Runtime GenAI's own path. A process that measures one row's memory loads only that row's target.
/// </summary>
internal sealed class BenchTargets(TinyPhi3VisionOptions model, int scale, string imagePath, string question, int answerTokens) : IDisposable
{
    // No feature cache: every run pays for the vision encoder, as a first question about an image does.
    private static readonly MultimodalEngineOptions Options = new() { VisionFeatureCacheBytes = 0, ContinuableGenerators = 0 };

    private MultimodalEngine? _engine;
    private MultimodalEngine? _engine16;
    private GenAiOwnPath? _genAi;

    public TinyPhi3VisionOptions Model => model;

    public int Scale => scale;

    public string ImagePath => imagePath;

    /// <summary>Gets the model at its own crop count (growing KV cache: its size follows the prompt), and scripted ones.</summary>
    public ScriptedModelFolders Models { get; } = ScriptedModelFolders.InCache($"bench-phi3v-qa-2-{scale}", model);

    /// <summary>Gets the folder at the model's own crop count.</summary>
    public string Folder => Models.RandomFolder;

    /// <summary>Gets the same weights with the 16-crop processor configuration ONNX Runtime GenAI's processor always applies.</summary>
    public string Folder16 { get; } = DemoModelCache.GetOrCreate($"bench-phi3v-qa-2-{scale}-16crops", model with { NumCrops = 16 });

    public async Task<MultimodalEngine> EngineAsync(CancellationToken cancellationToken) =>
        _engine ??= await MultimodalEngine.LoadAsync(Folder, Options, cancellationToken: cancellationToken);

    public async Task<MultimodalEngine> Engine16Async(CancellationToken cancellationToken) =>
        _engine16 ??= await MultimodalEngine.LoadAsync(Folder16, Options, cancellationToken: cancellationToken);

    public GenAiOwnPath GenAi => _genAi ??= new GenAiOwnPath(Folder16, imagePath, question, answerTokens);

    public void Dispose()
    {
        _engine?.Dispose();
        _engine16?.Dispose();
        _genAi?.Dispose();
        Models.Dispose();
    }
}
