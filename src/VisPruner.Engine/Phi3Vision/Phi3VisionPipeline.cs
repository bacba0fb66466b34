using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Engine.Phi3Vision;

/// <summary>
/// Phi-3 / Phi-3.5-vision (<c>model.type</c> <c>phi3v</c>): the chat is rendered into template markup, message text and
/// image slots; markup is tokenized with special tokens, text literally, and each image slot becomes a run of
/// placeholder ids <c>-N</c>, one per kept feature row of image N, which GenAI's embedding model replaces by those rows.
/// </summary>
internal sealed class Phi3VisionPipeline : IMultimodalPipeline
{
    private readonly GenAiModel _model;
    private readonly IChatTemplate _template;
    private readonly Phi3VisionEncoder _encoder;
    private readonly VisualTokenPruningOptions _defaultPruning;
    private readonly int _hidden;

    private Phi3VisionPipeline(GenAiModel model, IChatTemplate template, Phi3VisionEncoder encoder, VisualTokenPruningOptions defaultPruning, int hidden)
    {
        _model = model;
        _template = template;
        _encoder = encoder;
        _defaultPruning = defaultPruning;
        _hidden = hidden;
    }

    public IChatTemplate Template => _template;

    public static async Task<IMultimodalPipeline> LoadAsync(
        string folder, GenAiConfig config, GenAiModel model, MultimodalEngineOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        VisionConfig vision = config.Model.Vision
            ?? throw new ModelFolderException(GenAiConfig.FileName, "model.vision", "is missing; phi3v folders have a vision model.");
        string processorPath = ConfiguredFile.Require(Path.Combine(folder, vision.ConfigFileName), "image processor configuration");
        Phi3VisionProcessorOptions processorOptions;
        try
        {
            processorOptions = await ProcessorConfig.LoadPhi3VisionAsync(processorPath, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFolderException(vision.ConfigFileName, null, ex.Message, ex);
        }

        (InferenceSession visionSession, Phi3VisionTap tap) = Phi3VisionTap.Load(Path.Combine(folder, vision.FileName), options, logger);
        try
        {
            if (tap.Kind == Phi3VisionTap.TapKind.None && options.Pruning.Importance == ImportanceSignal.ClsAttention)
            {
                throw new ModelFolderException(vision.FileName, null,
                    "has no Softmax or MultiHeadAttention node to read [CLS] attention from, and Pruning.Importance is ClsAttention; choose Auto or FeatureNorm.");
            }

            RequireTensors(visionSession, vision);
            var encoder = new Phi3VisionEncoder(
                visionSession, tap, vision, new Phi3VisionImageProcessor(processorOptions), config.Model.Decoder.HiddenSize, options);
            return new Phi3VisionPipeline(model, ChatTemplateCatalog.ForModelType(config.Model.Type), encoder, options.Pruning, config.Model.Decoder.HiddenSize);
        }
        catch
        {
            visionSession.Dispose();
            throw;
        }
    }

    public async Task<PreparedPrompt> PrepareAsync(GenerationRequest request, IReadOnlyList<RequestImage> images, int contextLength, CancellationToken cancellationToken)
    {
        RenderedPrompt rendered = _template.Render(request.Messages, new ChatTemplateOptions { Tools = request.Tools });
        if (rendered.ImageCount != images.Count)
        {
            throw new ArgumentException($"The messages hold {rendered.ImageCount} image(s) but the request carries {images.Count}.", nameof(request));
        }

        var timing = new EncodeTiming();
        ImageJob[] jobs = [.. images.Select(image => _encoder.Plan(image, timing))];

        VisualTokenPruningOptions pruning = request.Options.Pruning ?? _defaultPruning;
        pruning.Validate();

        // Fail before the vision encoder runs when even the smallest pruned prompt cannot fit.
        int fewestVisual = jobs.Sum(j => pruning.Selector == VisualTokenSelectorKind.None
            ? j.Layout.NumImageTokens
            : Math.Min(j.Layout.NumImageTokens, pruning.BudgetFor((j.Layout.CropCount + 1) * Phi3VisionTokenPruner.TokensPerCrop) + 1));
        int[][] textChunks = TokenizeAroundImages(rendered);
        int textTokens = textChunks.Sum(c => c.Length);
        if (textTokens + fewestVisual >= contextLength)
        {
            throw new PromptTooLongException(textTokens + fewestVisual, fewestVisual, contextLength);
        }

        (float[] keptFeatures, long[] keptCounts, string identity, ImageTokenStatistics[] statistics, TimeSpan pruningTime) =
            await DedicatedThread.Run(() => EncodeAndPrune(jobs, timing, pruning, cancellationToken), cancellationToken).ConfigureAwait(false);

        int[] inputIds = AssembleInputIds(textChunks, keptCounts);
        int visualTokens = (int)keptCounts.Sum();
        if (inputIds.Length >= contextLength)
        {
            throw new PromptTooLongException(inputIds.Length, visualTokens, contextLength);
        }

        return new PreparedPrompt(inputIds, keptFeatures, keptCounts, identity, statistics, timing.CachedImages, timing.Preprocessing, timing.Vision, pruningTime);
    }

    /// <summary>Runs the vision encoder on every image not cached and keeps each image's selected feature rows.</summary>
    private (float[] Features, long[] Counts, string Identity, ImageTokenStatistics[] Images, TimeSpan PruningTime) EncodeAndPrune(
        ImageJob[] jobs, EncodeTiming timing, VisualTokenPruningOptions pruning, CancellationToken cancellationToken)
    {
        var keptFeatures = new List<float>();
        var keptCounts = new long[jobs.Length];
        var identity = new System.Text.StringBuilder();
        var images = new ImageTokenStatistics[jobs.Length];
        TimeSpan pruningTime = TimeSpan.Zero;
        for (int i = 0; i < jobs.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            EncodedImage encoded = _encoder.Encode(jobs[i], timing, cancellationToken);
            long start = Stopwatch.GetTimestamp();
            int[] rows = Phi3VisionTokenPruner.SelectRows(encoded, _hidden, pruning);
            pruningTime += Stopwatch.GetElapsedTime(start);
            var rowsHash = new HashCode();
            foreach (int row in rows)
            {
                keptFeatures.AddRange(encoded.Features.AsSpan(row * _hidden, _hidden));
                rowsHash.Add(row);
            }

            keptCounts[i] = rows.Length;
            identity.Append(jobs[i].Key).Append(':').Append(rows.Length).Append(':').Append(rowsHash.ToHashCode()).Append('|');
            images[i] = new ImageTokenStatistics(encoded.Layout.NumImageTokens, rows.Length, jobs[i].Cached is not null);
        }

        return ([.. keptFeatures], keptCounts, identity.ToString(), images, pruningTime);
    }

    public async Task<VisualTokenSelection> SelectAsync(RequestImage image, VisualTokenPruningOptions? pruning, CancellationToken cancellationToken)
    {
        pruning ??= _defaultPruning;
        pruning.Validate();
        return await DedicatedThread.Run(
            () =>
            {
                var timing = new EncodeTiming();
                EncodedImage encoded = _encoder.Encode(_encoder.Plan(image, timing), timing, cancellationToken);
                return new VisualTokenSelection(encoded.Layout, Phi3VisionTokenPruner.SelectRows(encoded, _hidden, pruning));
            },
            cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _encoder.Dispose();

    /// <summary>
    /// Tokenizes the prompt into the token runs before, between and after its images: markup with special tokens, message
    /// text literally, the tokenizer's prefix (BOS) first.
    /// </summary>
    private int[][] TokenizeAroundImages(RenderedPrompt rendered)
    {
        var chunks = new List<int[]>();
        var chunk = new List<int>(_model.Prefix);
        foreach (PromptSegment segment in rendered.Segments)
        {
            switch (segment)
            {
                case ImageSegment:
                    chunks.Add([.. chunk]);
                    chunk.Clear();
                    break;
                case MarkupSegment markup:
                    chunk.AddRange(_model.EncodeMarkup(markup.Text));
                    break;
                case ContentSegment content:
                    chunk.AddRange(_model.EncodeContent(content.Text));
                    break;
            }
        }

        chunks.Add([.. chunk]);
        return [.. chunks];
    }

    /// <summary>Joins the text chunks with <paramref name="imageTokens"/>[N-1] placeholders -N in place of image N.</summary>
    private static int[] AssembleInputIds(int[][] textChunks, long[] imageTokens)
    {
        var ids = new int[textChunks.Sum(c => c.Length) + imageTokens.Sum()];
        int written = 0;
        for (int chunk = 0; chunk < textChunks.Length; chunk++)
        {
            textChunks[chunk].CopyTo(ids, written);
            written += textChunks[chunk].Length;
            if (chunk < imageTokens.Length)
            {
                ids.AsSpan(written, (int)imageTokens[chunk]).Fill(-(chunk + 1));
                written += (int)imageTokens[chunk];
            }
        }

        return ids;
    }

    /// <summary>Checks that the vision model has the tensors the configuration names, so a mismatch fails at load.</summary>
    private static void RequireTensors(InferenceSession session, VisionConfig vision)
    {
        foreach (string name in new[] { vision.PixelValuesName, vision.ImageSizesName }.Where(n => !session.InputMetadata.ContainsKey(n)))
        {
            throw new ModelFolderException(vision.FileName, null,
                $"has no input '{name}' (genai_config.json names it); its inputs are {string.Join(", ", session.InputMetadata.Keys)}.");
        }

        if (!session.OutputMetadata.ContainsKey(vision.ImageFeaturesName))
        {
            throw new ModelFolderException(vision.FileName, null,
                $"has no output '{vision.ImageFeaturesName}' (genai_config.json names it); its outputs are {string.Join(", ", session.OutputMetadata.Keys)}.");
        }
    }
}
