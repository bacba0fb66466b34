using VisPruner.Cli.Models;
using VisPruner.DemoModels;
using VisPruner.Engine;

namespace VisPruner.Cli.Bench;

/// <summary>
/// What the bench rows run on, each loaded on first use: the engine at the folder's settings, ONNX Runtime GenAI's own
/// path and, where GenAI's processor applies other settings than the folder's (phi3v's bench-scale model), the engine on
/// the same weights at GenAI's settings. A process that measures one row's memory loads only that row's target.
/// </summary>
internal sealed class BenchTargets : IDisposable
{
    // No feature cache: every run pays for the vision encoder, as a first question about an image does.
    private static readonly MultimodalEngineOptions Options = new() { VisionFeatureCacheBytes = 0, ContinuableGenerators = 0 };

    private readonly string? _genAiPrompt;
    private MultimodalEngine? _engine;
    private MultimodalEngine? _engineAtGenAiSettings;
    private GenAiOwnPath? _genAi;

    private BenchTargets(BenchSettings settings, string folder, string genAiFolder, string description, string outputFolder)
    {
        Folder = folder;
        GenAiFolder = genAiFolder;
        Description = description;
        OutputFolder = settings.OutputFolder ?? outputFolder;
        ImagePath = settings.ImagePath;
        Scale = settings.Scale;
        _genAiPrompt = settings.GenAiPrompt;
    }

    /// <summary>Gets the bench-scale phi3v model's shapes; null for other models, whose shapes the bench does not know.</summary>
    public TinyPhi3VisionOptions? Model { get; private init; }

    public int Scale { get; }

    public string ImagePath { get; }

    /// <summary>Gets where results.md and ttft.svg go.</summary>
    public string OutputFolder { get; }

    /// <summary>Gets the folder at the model's own settings (growing KV cache: its size follows the prompt).</summary>
    public string Folder { get; }

    /// <summary>
    /// Gets the folder ONNX Runtime GenAI's own path runs on: <see cref="Folder"/>, or for the bench-scale phi3v model the
    /// same weights with the 16-crop processor configuration GenAI's processor applies whatever the folder says.
    /// </summary>
    public string GenAiFolder { get; }

    /// <summary>Gets whether <see cref="GenAiFolder"/> is another folder, which the engine is then also measured on.</summary>
    public bool GenAiHasOwnFolder => GenAiFolder != Folder;

    /// <summary>Gets the bench-scale phi3v model and its scripted variants, in the cache; null for other models.</summary>
    public ScriptedModelFolders? Models { get; private init; }

    /// <summary>Gets how reports name the model.</summary>
    public string Description { get; }

    public GenAiOwnPath GenAi => _genAi ??= new GenAiOwnPath(GenAiFolder, ImagePath, BenchCommand.AnswerTokens);

    /// <summary>
    /// The targets <paramref name="settings"/> ask for: the given model folder, a built-in demo model, or by default (and
    /// for <c>--demo phi3v</c>) the bench-scale phi3v model built from the factory, which has Phi-3.5-vision's layer and
    /// token counts where the trained demo model is tiny.
    /// </summary>
    /// <exception cref="ArgumentException"><c>--demo</c> and <c>--model</c> are both given, or <c>--demo</c> names no built-in model.</exception>
    public static BenchTargets Create(BenchSettings settings)
    {
        ModelChoice choice = ModelChoice.From(settings.ModelFolder, settings.Demo);
        string output = Path.Combine("docs", "bench");
        if (choice.ModelFolder is { } folder)
        {
            return new BenchTargets(settings, folder, folder, $"Model folder {folder}", output);
        }

        if (choice.Demo is { } demo && demo != BuiltInModel.Default)
        {
            string demoFolder = demo.GetOrCreateFolder();
            string weights = demo.RandomWeights ? "random weights" : "trained weights";
            return new BenchTargets(settings, demoFolder, demoFolder, $"Built-in {demo.Family} demo model ({demo.Description}, {weights})", Path.Combine(output, demo.Family));
        }

        TinyPhi3VisionOptions model = TinyPhi3VisionModel.BenchScale(settings.Scale);
        var models = ScriptedModelFolders.InCache($"bench-phi3v-qa-2-{settings.Scale}", model);
        string folder16 = DemoModelCache.GetOrCreate($"bench-phi3v-qa-2-{settings.Scale}-16crops", model with { NumCrops = 16 });
        return new BenchTargets(settings, models.RandomFolder, folder16, $"Bench-scale phi3v (widths / {settings.Scale})", output)
        {
            Model = model,
            Models = models,
        };
    }

    public async Task<MultimodalEngine> EngineAsync(CancellationToken cancellationToken) =>
        _engine ??= await MultimodalEngine.LoadAsync(Folder, Options, cancellationToken: cancellationToken);

    public async Task<MultimodalEngine> EngineAtGenAiSettingsAsync(CancellationToken cancellationToken) =>
        _engineAtGenAiSettings ??= await MultimodalEngine.LoadAsync(GenAiFolder, Options, cancellationToken: cancellationToken);

    /// <summary>
    /// The prompt GenAI's own path is given: the one the bench's parent process passes to a child measuring memory (which
    /// must load nothing else), else made from the family's template, which the engine holds.
    /// </summary>
    public async Task<string> GenAiPromptAsync(CancellationToken cancellationToken) =>
        _genAiPrompt ?? GenAi.PromptFor((await EngineAsync(cancellationToken)).ChatTemplate, BenchCommand.Question);

    public void Dispose()
    {
        _engine?.Dispose();
        _engineAtGenAiSettings?.Dispose();
        _genAi?.Dispose();
        Models?.Dispose();
    }
}
