using VisPruner.DemoModels;
using VisPruner.Engine;

namespace VisPruner.Cli.Bench;

/// <summary>
/// What the bench rows run on, each loaded on first use: the engine at the folder's crops and, for the bench-scale model,
/// the engine at 16 crops and ONNX Runtime GenAI's own path. A process that measures one row's memory loads only that
/// row's target.
/// </summary>
internal sealed class BenchTargets : IDisposable
{
    // No feature cache: every run pays for the vision encoder, as a first question about an image does.
    private static readonly MultimodalEngineOptions Options = new() { VisionFeatureCacheBytes = 0, ContinuableGenerators = 0 };

    private MultimodalEngine? _engine;
    private MultimodalEngine? _engine16;
    private GenAiOwnPath? _genAi;

    private BenchTargets(string folder, string? folder16, TinyPhi3VisionOptions? model, ScriptedModelFolders? models, int scale, string imagePath)
    {
        Folder = folder;
        Models = models;
        Folder16 = folder16;
        Model = model;
        Scale = scale;
        ImagePath = imagePath;
    }

    /// <summary>Gets the bench-scale model's shapes; null for a model folder of the user's, whose shapes the bench does not know.</summary>
    public TinyPhi3VisionOptions? Model { get; }

    public int Scale { get; }

    public string ImagePath { get; }

    /// <summary>Gets the folder at the model's own crop count (growing KV cache: its size follows the prompt).</summary>
    public string Folder { get; }

    /// <summary>Gets the bench-scale model and its scripted variants, in the cache; null for a model folder of the user's.</summary>
    public ScriptedModelFolders? Models { get; }

    /// <summary>Gets the same weights with the 16-crop processor configuration ONNX Runtime GenAI's processor always applies; bench-scale only.</summary>
    public string? Folder16 { get; }

    public GenAiOwnPath GenAi => _genAi ??= new GenAiOwnPath(
        Folder16 ?? throw new InvalidOperationException("ONNX Runtime GenAI's own path is measured on the bench-scale model only."),
        ImagePath, BenchCommand.Question, BenchCommand.AnswerTokens);

    /// <summary>The targets <paramref name="settings"/> ask for: the given model folder, or the bench-scale model built from the factory.</summary>
    public static BenchTargets Create(BenchSettings settings)
    {
        if (settings.ModelFolder is not null)
        {
            return new BenchTargets(settings.ModelFolder, null, null, null, 0, settings.ImagePath);
        }

        TinyPhi3VisionOptions model = TinyPhi3VisionModel.BenchScale(settings.Scale);
        ScriptedModelFolders models = ScriptedModelFolders.InCache($"bench-phi3v-qa-2-{settings.Scale}", model);
        return new BenchTargets(
            models.RandomFolder,
            DemoModelCache.GetOrCreate($"bench-phi3v-qa-2-{settings.Scale}-16crops", model with { NumCrops = 16 }),
            model,
            models,
            settings.Scale,
            settings.ImagePath);
    }

    public async Task<MultimodalEngine> EngineAsync(CancellationToken cancellationToken) =>
        _engine ??= await MultimodalEngine.LoadAsync(Folder, Options, cancellationToken: cancellationToken);

    public async Task<MultimodalEngine> Engine16Async(CancellationToken cancellationToken) =>
        _engine16 ??= await MultimodalEngine.LoadAsync(
            Folder16 ?? throw new InvalidOperationException("The 16-crop row is measured on the bench-scale model only."), Options, cancellationToken: cancellationToken);

    /// <summary>Gets how reports name the model.</summary>
    public string Description => Model is null ? $"Model folder {Folder}" : $"Bench-scale phi3v (widths / {Scale})";

    public void Dispose()
    {
        _engine?.Dispose();
        _engine16?.Dispose();
        _genAi?.Dispose();
        Models?.Dispose();
    }
}
