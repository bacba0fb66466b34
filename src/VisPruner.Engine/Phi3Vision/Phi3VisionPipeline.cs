using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.OnnxRuntime;
using VisPruner.Tokenizers;
using VisPruner.Tokenizers.ChatTemplates;

namespace VisPruner.Engine.Phi3Vision;

/// <summary>
/// Phi-3 / Phi-3.5-vision (<c>model.type</c> <c>phi3v</c>): the chat is rendered with <c>&lt;|image_N|&gt;</c> markers,
/// the text between markers is tokenized, and each marker becomes a run of placeholder ids <c>-N</c>, one per
/// feature row of image N, which the embedding model replaces by those rows.
/// </summary>
internal sealed class Phi3VisionPipeline : IMultimodalPipeline
{
    private readonly IChatTemplate _template;
    private readonly Phi3VisionEncoder _encoder;

    private Phi3VisionPipeline(Tokenizer tokenizer, IChatTemplate template, Phi3VisionEncoder encoder, LanguageModel languageModel)
    {
        Tokenizer = tokenizer;
        _template = template;
        _encoder = encoder;
        LanguageModel = languageModel;
    }

    public Tokenizer Tokenizer { get; }

    public LanguageModel LanguageModel { get; }

    public static async Task<IMultimodalPipeline> LoadAsync(
        string folder, GenAiConfig config, MultimodalEngineOptions options, CancellationToken cancellationToken)
    {
        VisionConfig vision = config.Model.Vision
            ?? throw new ModelFolderException(GenAiConfig.FileName, "model.vision", "is missing; phi3v folders have a vision model.");
        Tokenizer tokenizer = await Tokenizer.FromDirectoryAsync(folder, cancellationToken).ConfigureAwait(false);
        if (tokenizer.VocabularySize > config.Model.VocabSize)
        {
            throw new ModelFolderException(GenAiConfig.FileName, "model.vocab_size",
                $"({config.Model.VocabSize}) is smaller than the tokenizer's vocabulary ({tokenizer.VocabularySize}).");
        }

        string processorPath = Path.Combine(folder, vision.ConfigFileName);
        if (!File.Exists(processorPath))
        {
            throw new FileNotFoundException($"The image processor configuration {processorPath} named in genai_config.json does not exist.", processorPath);
        }

        Phi3VisionProcessorOptions processorOptions = await ProcessorConfig.LoadPhi3VisionAsync(processorPath, cancellationToken).ConfigureAwait(false);
        InferenceSessionOptions sessionOptions = SessionFactory.CreateOptions(options);
        bool shareBuffer = options.PastPresentShareBuffer ?? config.Search.PastPresentShareBuffer;

        InferenceSession visionSession = SessionFactory.Load(Path.Combine(folder, vision.FileName), sessionOptions);
        try
        {
            SessionFactory.RequireTensors(visionSession, vision.FileName, [vision.PixelValuesName, vision.ImageSizesName], [vision.ImageFeaturesName]);
            LanguageModel languageModel = LanguageModel.Load(folder, config, sessionOptions, shareBuffer);
            var encoder = new Phi3VisionEncoder(
                visionSession, vision, new Phi3VisionImageProcessor(processorOptions), config.Model.Decoder.HiddenSize, options);
            return new Phi3VisionPipeline(tokenizer, ChatTemplateCatalog.ForModelType(config.Model.Type), encoder, languageModel);
        }
        catch
        {
            visionSession.Dispose();
            throw;
        }
    }

    public async Task<PreparedPrompt> PrepareAsync(GenerationRequest request, int contextLength, CancellationToken cancellationToken)
    {
        int markers = request.Messages.Sum(turn => turn.Parts.Count(c => c is ImagePart));
        if (markers != request.Images.Count)
        {
            throw new ArgumentException(
                $"The messages hold {markers} image(s) but the request carries {request.Images.Count}.", nameof(request));
        }

        string prompt = _template.Render(request.Messages, new ChatTemplateOptions { Tools = request.Tools });

        var timing = new EncodeTiming();
        var jobs = new ImageJob[request.Images.Count];
        for (int i = 0; i < jobs.Length; i++)
        {
            ReadOnlyMemory<byte> bytes = await request.Images[i].ReadAsync(cancellationToken).ConfigureAwait(false);
            jobs[i] = _encoder.Load(bytes, i + 1, timing);
        }

        long[] inputIds = BuildInputIds(prompt, jobs);
        int visualTokens = jobs.Sum(j => j.Layout.NumImageTokens);
        if (inputIds.Length >= contextLength)
        {
            throw new PromptTooLongException(inputIds.Length, visualTokens, contextLength);
        }

        float[][] features = new float[jobs.Length][];
        for (int i = 0; i < jobs.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            features[i] = _encoder.Encode(jobs[i], timing, cancellationToken).Features;
        }

        return new PreparedPrompt(
            inputIds, [.. features.SelectMany(f => f)], visualTokens, visualTokens, timing.CachedImages, timing.Preprocessing, timing.Vision, TimeSpan.Zero);
    }

    public void Dispose()
    {
        _encoder.Dispose();
        LanguageModel.Dispose();
    }

    private long[] BuildInputIds(string prompt, ImageJob[] jobs)
    {
        var ids = new List<long>(prompt.Length + jobs.Sum(j => j.Layout.NumImageTokens));
        var chunk = new List<int>();
        int position = 0;
        for (int image = 1; image <= jobs.Length + 1; image++)
        {
            int end = prompt.Length;
            string? marker = image <= jobs.Length ? _template.ImageMarker(image) : null;
            if (marker is not null)
            {
                end = prompt.IndexOf(marker, position, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new InvalidOperationException($"The rendered prompt lacks the marker {marker} of image {image}.");
                }
            }

            chunk.Clear();
            Tokenizer.Encode(prompt.AsSpan(position, end - position), chunk, addSpecialTokens: image == 1);
            foreach (int id in chunk)
            {
                ids.Add(id);
            }

            if (marker is not null)
            {
                for (int row = 0; row < jobs[image - 1].Layout.NumImageTokens; row++)
                {
                    ids.Add(-image);
                }

                position = end + marker.Length;
            }
        }

        return [.. ids];
    }
}
