using VisPruner.Engine.ModelFolders;

namespace VisPruner.Engine.Families;

/// <summary>The <c>model.vision</c> section every family needs, and its image processor configuration.</summary>
internal static class VisionSection
{
    /// <exception cref="ModelFolderException"><c>genai_config.json</c> has no vision section.</exception>
    public static VisionConfig Require(GenAiConfig config, string modelType) =>
        config.Model.Vision ?? throw new ModelFolderException(GenAiConfig.FileName, "model.vision", $"is missing; {modelType} folders have a vision model.");

    /// <summary>Reads the processor configuration the vision section names with the family's reader.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="ModelFolderException">The reader refuses it; the message names the file.</exception>
    public static async Task<T> LoadProcessorOptionsAsync<T>(
        string folder, VisionConfig vision, Func<string, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        string path = ConfiguredFile.Require(Path.Combine(folder, vision.ConfigFileName), "image processor configuration");
        try
        {
            return await read(path, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFolderException(vision.ConfigFileName, null, ex.Message, ex);
        }
    }
}
