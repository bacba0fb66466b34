using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging.Phi4Multimodal;

namespace VisPruner.Engine.Phi4Multimodal;

/// <summary>
/// Phi-4-multimodal (<c>model.type</c> <c>phi4mm</c>), vision and text: a SigLIP encoder over the dynamic HD transform's
/// 448-pixel crops, read through the attention each patch receives (it has no [CLS] token), its features pooled 2 x 2 and
/// projected in Hugging Face's <c>sub_glb</c> order; the processor
/// settings come from the vision section's <c>config_filename</c> (<c>vision_processor.json</c> as published). The speech
/// model is loaded by ONNX Runtime GenAI with the folder; requests carry no audio.
/// </summary>
internal sealed class Phi4MultimodalFamily : IModelFamily
{
    public string ModelType => "phi4mm";

    public IChatTemplate Template { get; } = new Phi4MultimodalChatTemplate();

    public void CheckFolder(string folder, GenAiConfig config)
    {
        VisionSection.Require(config, ModelType);
        if (config.Model.EmbeddingFileName is null)
        {
            throw new ModelFolderException(GenAiConfig.FileName, "model.embedding", "is missing; phi4mm folders merge the image rows into the prompt in an embedding model.");
        }

        Phi4MultimodalSections.Read(folder);
    }

    public async Task<IMultimodalPipeline> LoadPipelineAsync(
        string folder, GenAiConfig config, GenAiModel model, MultimodalEngineOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        VisionConfig vision = VisionSection.Require(config, ModelType);
        Phi4MultimodalSections sections = Phi4MultimodalSections.Read(folder);
        Phi4MultimodalProcessorOptions processorOptions = await VisionSection.LoadProcessorOptionsAsync(folder, vision, Phi4MultimodalProcessorConfig.LoadAsync, cancellationToken).ConfigureAwait(false);

        (InferenceSession session, ReceivedAttentionTap tap) = ReceivedAttentionTap.Load(Path.Combine(folder, vision.FileName), options, logger);
        try
        {
            tap.RequireFor(options.Pruning.Importance, vision.FileName);

            VisionTensors.Require(session, vision, vision.PixelValuesName, sections.AttentionMaskName, vision.ImageSizesName);
            int hidden = config.Model.Decoder.HiddenSize;
            var encoder = new Phi4MultimodalEncoder(session, tap, vision, sections.AttentionMaskName, new Phi4MultimodalImageProcessor(processorOptions), hidden, options);
            return new ImagePromptPipeline<Phi4ImageJob, Phi4EncodedImage>(model, Template, new Phi4MultimodalStage(encoder, hidden), options.Pruning, hidden, model.Prefix);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
