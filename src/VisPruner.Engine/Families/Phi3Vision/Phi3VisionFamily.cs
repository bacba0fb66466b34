using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Engine.Phi3Vision;

/// <summary>
/// Phi-3 / Phi-3.5-vision (<c>model.type</c> <c>phi3v</c>): a CLIP encoder with [CLS] over the HD transform's 336-pixel
/// crops, read through its [CLS] attention tap; the processor settings come from <c>processor_config.json</c>.
/// </summary>
internal sealed class Phi3VisionFamily : IModelFamily
{
    public string ModelType => "phi3v";

    public IChatTemplate Template { get; } = new Phi3VisionChatTemplate();

    public void CheckFolder(string folder, GenAiConfig config) => VisionSection.Require(config, ModelType);

    public async Task<IMultimodalPipeline> LoadPipelineAsync(
        string folder, GenAiConfig config, GenAiModel model, MultimodalEngineOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        VisionConfig vision = VisionSection.Require(config, ModelType);
        Phi3VisionProcessorOptions processorOptions = await VisionSection.LoadProcessorOptionsAsync(folder, vision, ProcessorConfig.LoadPhi3VisionAsync, cancellationToken).ConfigureAwait(false);

        (InferenceSession visionSession, Phi3VisionTap tap) = Phi3VisionTap.Load(Path.Combine(folder, vision.FileName), options, logger);
        try
        {
            if (tap.Kind == Phi3VisionTap.TapKind.None && options.Pruning.Importance == ImportanceSignal.ClsAttention)
            {
                throw new ModelFolderException(vision.FileName, null,
                    "has no Softmax or MultiHeadAttention node to read [CLS] attention from, and Pruning.Importance is ClsAttention; choose Auto or FeatureNorm.");
            }

            VisionTensors.Require(visionSession, vision, vision.PixelValuesName, vision.ImageSizesName);
            int hidden = config.Model.Decoder.HiddenSize;
            var encoder = new Phi3VisionEncoder(visionSession, tap, vision, new Phi3VisionImageProcessor(processorOptions), hidden, options);
            return new ImagePromptPipeline<ImageJob, EncodedImage>(model, Template, new Phi3VisionStage(encoder, hidden), options.Pruning, hidden, model.Prefix);
        }
        catch
        {
            visionSession.Dispose();
            throw;
        }
    }
}
