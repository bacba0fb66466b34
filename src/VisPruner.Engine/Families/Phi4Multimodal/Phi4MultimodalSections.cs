using System.Text.Json;
using VisPruner.Engine.ModelFolders;

namespace VisPruner.Engine.Phi4Multimodal;

/// <summary>
/// The phi4mm parts of <c>genai_config.json</c> the shared configuration does not read, checked before ONNX Runtime GenAI
/// sees the folder: the vision model's attention-mask input, and the speech section. GenAI 0.20 loads the speech model
/// with the folder even when no request has audio, and, when the section is absent, defaults
/// <c>speech.config_filename</c> to <c>audio_processor_config.json</c> and then refuses the folder for lacking
/// <c>speech.filename</c>; so the section must name both files, or set both names to "". The vision section's
/// <c>adapter_filename</c> (a LoRA adapter) is not read: GenAI 0.20 never applies it on its own, and neither does the engine.
/// </summary>
/// <param name="AttentionMaskName">The vision input that takes <c>image_attention_mask</c> (<c>model.vision.inputs.attention_mask</c>).</param>
internal sealed record Phi4MultimodalSections(string AttentionMaskName)
{
    /// <summary>GenAI's default for <c>model.speech.config_filename</c>.</summary>
    private const string DefaultSpeechConfig = "audio_processor_config.json";

    /// <exception cref="ModelFolderException">The speech section is absent or names only one of its two files.</exception>
    /// <exception cref="FileNotFoundException">The speech model or its processor configuration is named but missing.</exception>
    public static Phi4MultimodalSections Read(string folder)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, GenAiConfig.FileName)),
            new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        JsonFields model = new JsonFields(document.RootElement, GenAiConfig.FileName, string.Empty).Object("model");
        JsonFields speech = model.OptionalObject("speech") ?? throw new ModelFolderException(GenAiConfig.FileName, "model.speech",
            $"is missing. ONNX Runtime GenAI then looks for a speech model configured by '{DefaultSpeechConfig}'; a phi4mm folder without " +
            "speech must say \"speech\": {\"filename\": \"\", \"config_filename\": \"\"}.");
        string speechModel = speech.OptionalString("filename") ?? string.Empty;
        string speechConfig = speech.OptionalString("config_filename") ?? DefaultSpeechConfig;
        if (speechModel.Length == 0 && speechConfig.Length > 0)
        {
            throw new ModelFolderException(GenAiConfig.FileName, "model.speech.filename",
                $"is empty while model.speech.config_filename is '{speechConfig}'; name the speech model, or set both to \"\" for a folder without speech.");
        }

        if (speechModel.Length > 0 && speechConfig.Length == 0)
        {
            throw new ModelFolderException(GenAiConfig.FileName, "model.speech.config_filename",
                $"is empty while model.speech.filename is '{speechModel}'; ONNX Runtime GenAI needs both.");
        }

        if (speechModel.Length > 0)
        {
            ConfiguredFile.Require(Path.Combine(folder, speechModel), "speech model");
            ConfiguredFile.Require(Path.Combine(folder, speechConfig), "audio processor configuration");
        }

        string mask = model.Object("vision").OptionalObject("inputs")?.OptionalString("attention_mask") ?? "image_attention_mask";
        return new Phi4MultimodalSections(mask);
    }
}
