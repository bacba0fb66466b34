using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging.Gemma3;

namespace VisPruner.Engine.Gemma3;

/// <summary>
/// Gemma 3 (<c>model.type</c> <c>gemma3</c>), vision and text: a SigLIP encoder over one 896 x 896 image, read through the
/// attention each patch receives (it has no [CLS] token), its 64 x 64 patches averaged 4 x 4 into 256 soft tokens; the
/// processor settings come from the vision section's <c>config_filename</c> (<c>processor_config.json</c> as published).
/// The embedding's <c>image_features</c> may be [rows, hidden] or [images, rows, hidden]: the vision stub takes its rank, so
/// text-only and multi-image requests run on either (see <see cref="VisionStub.Feed"/>).
/// </summary>
internal sealed class Gemma3Family : IModelFamily
{
    public string ModelType => "gemma3";

    public IChatTemplate Template { get; } = new Gemma3ChatTemplate();

    public void CheckFolder(string folder, GenAiConfig config)
    {
        VisionSection.Require(config, ModelType);
        Gemma3FolderChecks.RequireEmbedding(config);
    }

    public int ImageFeaturesRank(string folder, GenAiConfig config) => Gemma3FolderChecks.ImageFeaturesRank(folder, config);

    public async Task<IMultimodalPipeline> LoadPipelineAsync(
        string folder, GenAiConfig config, GenAiModel model, MultimodalEngineOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        VisionConfig vision = VisionSection.Require(config, ModelType);
        Gemma3FolderChecks.RequireTokens(model);
        Gemma3ProcessorOptions processorOptions = await VisionSection.LoadProcessorOptionsAsync(folder, vision, Gemma3ProcessorConfig.LoadAsync, cancellationToken).ConfigureAwait(false);

        (InferenceSession session, ReceivedAttentionTap tap) = ReceivedAttentionTap.Load(Path.Combine(folder, vision.FileName), options, logger);
        try
        {
            tap.RequireFor(options.Pruning.Importance, vision.FileName);
            VisionTensors.Require(session, vision, vision.PixelValuesName);
            int hidden = config.Model.Decoder.HiddenSize;
            Gemma3FolderChecks.RequireVisionOutput(session, vision, hidden);
            var encoder = new Gemma3Encoder(session, tap, vision, new Gemma3ImageProcessor(processorOptions), hidden, options);

            // The template writes Gemma's <bos> itself, as the published chat template does.
            return new ImagePromptPipeline<Gemma3ImageJob, Gemma3EncodedImage>(model, Template, new Gemma3Stage(encoder, hidden), options.Pruning, hidden, prefix: []);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
