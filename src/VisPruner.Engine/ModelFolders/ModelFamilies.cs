using Microsoft.Extensions.Logging;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Phi3Vision;
using VisPruner.Engine.Runtime;

namespace VisPruner.Engine.ModelFolders;

/// <summary>The model families (<c>model.type</c>) the engine runs, each with its own prompt and vision pipeline.</summary>
internal static class ModelFamilies
{
    private delegate Task<IMultimodalPipeline> PipelineLoader(
        string folder, GenAiConfig config, GenAiModel model, MultimodalEngineOptions options, ILogger logger, CancellationToken cancellationToken);

    private static readonly Dictionary<string, PipelineLoader> Loaders = new(StringComparer.Ordinal) { ["phi3v"] = Phi3VisionPipeline.LoadAsync };

    // Families whose folders follow the same decoder layout and are planned next.
    private static readonly string[] Planned = ["phi4mm", "qwen2_5_vl", "gemma3"];

    /// <summary>Gets the model types the engine runs.</summary>
    public static IReadOnlyCollection<string> Supported => Loaders.Keys;

    /// <summary>Checks that the engine runs <paramref name="config"/>'s family, before anything is loaded.</summary>
    /// <exception cref="ModelFolderException">It does not; the message lists the supported types.</exception>
    public static void RequireSupported(GenAiConfig config)
    {
        if (!Loaders.ContainsKey(config.Model.Type))
        {
            string planned = Planned.Contains(config.Model.Type, StringComparer.Ordinal) ? " yet" : string.Empty;
            throw new ModelFolderException(GenAiConfig.FileName, "model.type",
                $"'{config.Model.Type}' is not supported{planned}; supported types: {string.Join(", ", Supported)}.");
        }
    }

    public static Task<IMultimodalPipeline> LoadAsync(
        string folder, GenAiConfig config, GenAiModel model, MultimodalEngineOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        RequireSupported(config);
        return Loaders[config.Model.Type](folder, config, model, options, logger, cancellationToken);
    }
}
