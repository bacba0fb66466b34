using Microsoft.Extensions.Logging;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Phi3Vision;

namespace VisPruner.Engine.ModelFolders;

/// <summary>The model families (<c>model.type</c>) the engine runs, each with its own prompt and vision pipeline.</summary>
internal static class ModelFamilies
{
    private static readonly Dictionary<string, Func<string, GenAiConfig, MultimodalEngineOptions, ILogger, CancellationToken, Task<IMultimodalPipeline>>> Loaders =
        new(StringComparer.Ordinal) { ["phi3v"] = Phi3VisionPipeline.LoadAsync };

    // Families whose folders follow the same decoder layout and are planned next.
    private static readonly string[] Planned = ["phi4mm", "qwen2_5_vl", "gemma3"];

    /// <summary>Gets the model types the engine runs.</summary>
    public static IReadOnlyCollection<string> Supported => Loaders.Keys;

    public static Task<IMultimodalPipeline> LoadAsync(
        string folder, GenAiConfig config, MultimodalEngineOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (!Loaders.TryGetValue(config.Model.Type, out var load))
        {
            string planned = Planned.Contains(config.Model.Type, StringComparer.Ordinal) ? " yet" : string.Empty;
            throw new ModelFolderException(GenAiConfig.FileName, "model.type",
                $"'{config.Model.Type}' is not supported{planned}; supported types: {string.Join(", ", Supported)}.");
        }

        return load(folder, config, options, logger, cancellationToken);
    }
}
