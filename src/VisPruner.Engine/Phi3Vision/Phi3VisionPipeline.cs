using System.Diagnostics;
using Microsoft.Extensions.Logging;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.OnnxRuntime;
using VisPruner.Tokenizers;
using VisPruner.Engine.ChatTemplates;

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

    private readonly VisualTokenPruningOptions _defaultPruning;
    private readonly int _hidden;

    private Phi3VisionPipeline(
        Tokenizer tokenizer, IChatTemplate template, Phi3VisionEncoder encoder, LanguageModel languageModel, VisualTokenPruningOptions defaultPruning, int hidden)
    {
        Tokenizer = tokenizer;
        _template = template;
        _encoder = encoder;
        LanguageModel = languageModel;
        _defaultPruning = defaultPruning;
        _hidden = hidden;
    }

    public Tokenizer Tokenizer { get; }

    public LanguageModel LanguageModel { get; }

    public static async Task<IMultimodalPipeline> LoadAsync(
        string folder, GenAiConfig config, MultimodalEngineOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        VisionConfig vision = config.Model.Vision
            ?? throw new ModelFolderException(GenAiConfig.FileName, "model.vision", "is missing; phi3v folders have a vision model.");
        Tokenizer tokenizer = await Tokenizer.FromDirectoryAsync(folder, cancellationToken).ConfigureAwait(false);
        if (tokenizer.VocabularySize > config.Model.VocabSize)
        {
            throw new ModelFolderException(GenAiConfig.FileName, "model.vocab_size",
                $"({config.Model.VocabSize}) is smaller than the tokenizer's vocabulary ({tokenizer.VocabularySize}).");
        }

        string processorPath = ConfiguredFile.Require(Path.Combine(folder, vision.ConfigFileName), "image processor configuration");
        Phi3VisionProcessorOptions processorOptions = await ProcessorConfig.LoadPhi3VisionAsync(processorPath, cancellationToken).ConfigureAwait(false);
        InferenceSessionOptions sessionOptions = SessionFactory.CreateOptions(options);
        bool shareBuffer = options.PastPresentShareBuffer ?? config.Search.PastPresentShareBuffer;

        options.Pruning.Validate();
        (InferenceSession visionSession, Phi3VisionTap tap) = Phi3VisionTap.Load(Path.Combine(folder, vision.FileName), options, logger);
        try
        {
            if (tap.Kind == Phi3VisionTap.TapKind.None && options.Pruning.Importance == ImportanceSignal.ClsAttention)
            {
                throw new ModelFolderException(vision.FileName, null,
                    "has no Softmax or MultiHeadAttention node to read [CLS] attention from, and Pruning.Importance is ClsAttention; choose Auto or FeatureNorm.");
            }

            SessionFactory.RequireTensors(visionSession, vision.FileName, [vision.PixelValuesName, vision.ImageSizesName], [vision.ImageFeaturesName]);
            LanguageModel languageModel = LanguageModel.Load(folder, config, sessionOptions, shareBuffer);
            var encoder = new Phi3VisionEncoder(
                visionSession, tap, vision, new Phi3VisionImageProcessor(processorOptions), config.Model.Decoder.HiddenSize, options);
            return new Phi3VisionPipeline(tokenizer, ChatTemplateCatalog.ForModelType(config.Model.Type), encoder, languageModel, options.Pruning, config.Model.Decoder.HiddenSize);
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

        VisualTokenPruningOptions pruning = request.Options.Pruning ?? _defaultPruning;
        pruning.Validate();

        // Fail before the vision encoder runs when even the smallest pruned prompt cannot fit.
        int fewestVisual = jobs.Sum(j => pruning.Selector == VisualTokenSelectorKind.None
            ? j.Layout.NumImageTokens
            : Math.Min(j.Layout.NumImageTokens, pruning.BudgetFor((j.Layout.CropCount + 1) * Phi3VisionTokenPruner.TokensPerCrop) + 1));
        int[][] textChunks = TokenizeAroundMarkers(prompt, jobs.Length);
        int textTokens = textChunks.Sum(c => c.Length);
        if (textTokens + fewestVisual >= contextLength)
        {
            throw new PromptTooLongException(textTokens + fewestVisual, fewestVisual, contextLength);
        }

        (float[] keptFeatures, int[] keptCounts, ImageTokenStatistics[] images, TimeSpan pruningTime) =
            await DedicatedThread.Run(() => EncodeAndPrune(jobs, timing, pruning, cancellationToken), cancellationToken).ConfigureAwait(false);

        long[] inputIds = AssembleInputIds(textChunks, keptCounts);
        int visualTokens = keptCounts.Sum();
        if (inputIds.Length >= contextLength)
        {
            throw new PromptTooLongException(inputIds.Length, visualTokens, contextLength);
        }

        return new PreparedPrompt(inputIds, keptFeatures, images, timing.CachedImages, timing.Preprocessing, timing.Vision, pruningTime);
    }

    /// <summary>Runs the vision encoder on every image not cached and keeps each image's selected feature rows.</summary>
    private (float[] Features, int[] Counts, ImageTokenStatistics[] Images, TimeSpan PruningTime) EncodeAndPrune(
        ImageJob[] jobs, EncodeTiming timing, VisualTokenPruningOptions pruning, CancellationToken cancellationToken)
    {
        var keptFeatures = new List<float>();
        var keptCounts = new int[jobs.Length];
        var images = new ImageTokenStatistics[jobs.Length];
        TimeSpan pruningTime = TimeSpan.Zero;
        for (int i = 0; i < jobs.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            EncodedImage encoded = _encoder.Encode(jobs[i], timing, cancellationToken);
            long start = Stopwatch.GetTimestamp();
            int[] rows = Phi3VisionTokenPruner.SelectRows(encoded, _hidden, pruning);
            pruningTime += Stopwatch.GetElapsedTime(start);
            foreach (int row in rows)
            {
                keptFeatures.AddRange(encoded.Features.AsSpan(row * _hidden, _hidden));
            }

            keptCounts[i] = rows.Length;
            images[i] = new ImageTokenStatistics(encoded.Layout.NumImageTokens, rows.Length, jobs[i].Cached is not null);
        }

        return ([.. keptFeatures], keptCounts, images, pruningTime);
    }

    public async Task<VisualTokenSelection> SelectAsync(ImageInput image, VisualTokenPruningOptions? pruning, CancellationToken cancellationToken)
    {
        pruning ??= _defaultPruning;
        pruning.Validate();
        ReadOnlyMemory<byte> bytes = await image.ReadAsync(cancellationToken).ConfigureAwait(false);
        return await DedicatedThread.Run(
            () =>
            {
                var timing = new EncodeTiming();
                EncodedImage encoded = _encoder.Encode(_encoder.Load(bytes, 1, timing), timing, cancellationToken);
                return new VisualTokenSelection(encoded.Layout, Phi3VisionTokenPruner.SelectRows(encoded, _hidden, pruning));
            },
            cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _encoder.Dispose();
        LanguageModel.Dispose();
    }

    /// <summary>Tokenizes the text before, between and after the markers of <paramref name="images"/> images (BOS on the first chunk).</summary>
    private int[][] TokenizeAroundMarkers(string prompt, int images)
    {
        var chunks = new int[images + 1][];
        int position = 0;
        for (int image = 1; image <= images + 1; image++)
        {
            int end = prompt.Length;
            string? marker = image <= images ? _template.ImageMarker(image) : null;
            if (marker is not null)
            {
                end = prompt.IndexOf(marker, position, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new InvalidOperationException($"The rendered prompt lacks the marker {marker} of image {image}.");
                }
            }

            chunks[image - 1] = Tokenizer.Encode(prompt.AsSpan(position, end - position), addSpecialTokens: image == 1);
            position = end + (marker?.Length ?? 0);
        }

        return chunks;
    }

    /// <summary>Joins the text chunks with <paramref name="imageTokens"/>[N-1] placeholders -N in place of image N's marker.</summary>
    private static long[] AssembleInputIds(int[][] textChunks, int[] imageTokens)
    {
        var ids = new long[textChunks.Sum(c => c.Length) + imageTokens.Sum()];
        int written = 0;
        for (int chunk = 0; chunk < textChunks.Length; chunk++)
        {
            foreach (int id in textChunks[chunk])
            {
                ids[written++] = id;
            }

            if (chunk < imageTokens.Length)
            {
                ids.AsSpan(written, imageTokens[chunk]).Fill(-(chunk + 1));
                written += imageTokens[chunk];
            }
        }

        return ids;
    }
}
