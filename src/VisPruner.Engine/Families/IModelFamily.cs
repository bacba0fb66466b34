using Microsoft.Extensions.Logging;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;

namespace VisPruner.Engine.Families;

/// <summary>
/// One model family (a <c>model.type</c>): what its folders must hold beyond the sections every family shares, its chat
/// template, and the pipeline that turns its requests into decoder input. Each family lives in its own folder and is
/// registered by one line in <see cref="ModelFamilies"/>. Implementations are stateless and thread-safe.
/// </summary>
internal interface IModelFamily
{
    /// <summary>Gets the <c>genai_config.json</c> <c>model.type</c> of the family, e.g. <c>phi3v</c>.</summary>
    string ModelType { get; }

    /// <summary>Gets the family's chat template.</summary>
    IChatTemplate Template { get; }

    /// <summary>
    /// Checks the family's own sections and files of the folder, after the shared checks and before ONNX Runtime GenAI
    /// sees the folder, so a problem is reported naming the file and field rather than as GenAI's message.
    /// </summary>
    /// <exception cref="ModelFolderException">A field is missing or inconsistent.</exception>
    /// <exception cref="FileNotFoundException">A file the configuration names is missing.</exception>
    void CheckFolder(string folder, GenAiConfig config);

    /// <summary>
    /// The rank of the embedding model's <c>image_features</c>, which the vision stub's output must have: 2 ([rows, hidden])
    /// unless the family's folders declare otherwise. Called after <see cref="CheckFolder"/>.
    /// </summary>
    /// <exception cref="ModelFolderException">The embedding model declares an <c>image_features</c> the family cannot feed.</exception>
    int ImageFeaturesRank(string folder, GenAiConfig config) => 2;

    /// <summary>Loads the family's image side (processor settings, vision encoder with its attention tap) around <paramref name="model"/>.</summary>
    Task<IMultimodalPipeline> LoadPipelineAsync(
        string folder, GenAiConfig config, GenAiModel model, MultimodalEngineOptions options, ILogger logger, CancellationToken cancellationToken);
}
