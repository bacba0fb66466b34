using Microsoft.Extensions.Logging;
using VisPruner.Engine.Families;
using VisPruner.Engine.Gemma3;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Phi3Vision;
using VisPruner.Engine.Phi4Multimodal;
using VisPruner.Engine.Runtime;

namespace VisPruner.Engine.ModelFolders;

/// <summary>The model families (<c>model.type</c>) the engine runs: one registration line each.</summary>
internal static class ModelFamilies
{
    private static readonly IModelFamily[] Registered =
    [
        new Phi3VisionFamily(),
        new Phi4MultimodalFamily(),
        new Gemma3Family(),
    ];

    // Types GenAI runs but the engine cannot prune faithfully: GenAI computes their 3-D mRoPE positions from
    // image_grid_thw and takes no caller's position ids, so kept rows would sit at a fake grid's positions.
    private static readonly string[] Blocked = ["qwen2_5_vl", "qwen3_vl", "qwen3_5", "qwen3_5_moe", "fara"];

    /// <summary>Gets the model types the engine runs.</summary>
    public static IReadOnlyCollection<string> Supported { get; } = [.. Registered.Select(f => f.ModelType)];

    /// <summary>Gets the chat templates of the families the engine runs.</summary>
    public static IEnumerable<ChatTemplates.IChatTemplate> Templates => Registered.Select(f => f.Template);

    /// <summary>Returns <paramref name="config"/>'s family, before anything is loaded.</summary>
    /// <exception cref="ModelFolderException">The engine does not run it; the message lists the supported types.</exception>
    public static IModelFamily RequireSupported(GenAiConfig config) =>
        Registered.FirstOrDefault(f => f.ModelType == config.Model.Type)
        ?? throw new ModelFolderException(GenAiConfig.FileName, "model.type",
            $"'{config.Model.Type}' is not supported" +
            (Blocked.Contains(config.Model.Type, StringComparer.Ordinal)
                ? " (ONNX Runtime GenAI computes its mRoPE positions itself, so pruned visual tokens cannot keep theirs)"
                : string.Empty) +
            "; " +
            $"supported types: {string.Join(", ", Supported)}.");

    public static Task<IMultimodalPipeline> LoadAsync(
        string folder, GenAiConfig config, GenAiModel model, MultimodalEngineOptions options, ILogger logger, CancellationToken cancellationToken) =>
        RequireSupported(config).LoadPipelineAsync(folder, config, model, options, logger, cancellationToken);
}
