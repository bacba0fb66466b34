using VisPruner.Engine.ModelFolders;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// The chat templates the engine knows: those of the families it runs (from their registrations), and those written ahead
/// of their families' engines.
/// </summary>
internal static class ChatTemplateCatalog
{
    private static readonly IChatTemplate[] Known = [.. ModelFamilies.Templates, new Qwen25VisionChatTemplate()];

    /// <summary>The genai_config.json model types that have a template.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = Known.Select(t => t.ModelType).ToArray();

    /// <summary>The template for a genai_config.json <c>model.type</c>.</summary>
    /// <param name="modelType">For example <c>phi3v</c>, <c>phi4mm</c> or <c>qwen2_5_vl</c>.</param>
    /// <returns>The template.</returns>
    /// <exception cref="NotSupportedException">No template exists for the type.</exception>
    public static IChatTemplate ForModelType(string modelType)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        return Known.FirstOrDefault(t => t.ModelType == modelType)
            ?? throw new NotSupportedException($"No chat template for model type '{modelType}'. Supported: {string.Join(", ", SupportedModelTypes)}.");
    }
}
