using System.Diagnostics;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.Runtime;

namespace VisPruner.Engine.Families;

/// <summary>
/// The prompt side every family shares: the chat is rendered into template markup, message text and image slots; markup
/// is tokenized with special tokens, text literally, and each image slot becomes a run of the family's placeholder id,
/// one per kept feature row of that image, which GenAI's embedding model replaces by those rows, inside the family's frame
/// of tokens around them. The family's <see cref="IVisionStage{TPlan, TEncoded}"/> encodes the images and chooses their rows.
/// </summary>
internal sealed class ImagePromptPipeline<TPlan, TEncoded> : IMultimodalPipeline
    where TPlan : IPlannedImage
    where TEncoded : IEncodedImage
{
    private readonly GenAiModel _model;
    private readonly IVisionStage<TPlan, TEncoded> _vision;
    private readonly VisualTokenPruningOptions _defaultPruning;
    private readonly int _hidden;
    private readonly int[] _prefix;

    // prefix: the ids before every prompt, the tokenizer's own (GenAiModel.Prefix) when the family's template writes no BOS,
    // none when it writes its BOS itself.
    public ImagePromptPipeline(
        GenAiModel model, IChatTemplate template, IVisionStage<TPlan, TEncoded> vision, VisualTokenPruningOptions defaultPruning, int hidden, int[] prefix)
    {
        _model = model;
        _prefix = prefix;
        Template = template;
        _vision = vision;
        _defaultPruning = defaultPruning;
        _hidden = hidden;
    }

    public IChatTemplate Template { get; }

    public async Task<PreparedPrompt> PrepareAsync(GenerationRequest request, IReadOnlyList<RequestImage> images, int contextLength, CancellationToken cancellationToken)
    {
        RenderedPrompt rendered = Template.Render(request.Messages, new ChatTemplateOptions { Tools = request.Tools });
        if (rendered.ImageCount != images.Count)
        {
            throw new ArgumentException($"The messages hold {rendered.ImageCount} image(s) but the request carries {images.Count}.", nameof(request));
        }

        var timing = new EncodeTiming();
        TPlan[] plans = [.. images.Select(image => _vision.Plan(image, timing))];

        VisualTokenPruningOptions pruning = request.Options.Pruning ?? _defaultPruning;
        pruning.Validate();

        // Fail before the vision encoder runs when even the smallest pruned prompt cannot fit.
        int fewestVisual = plans.Sum(p => _vision.FewestRows(p, pruning));
        int[][] textChunks = TokenizeAroundImages(rendered);
        int textTokens = textChunks.Sum(c => c.Length);
        if (textTokens + fewestVisual >= contextLength)
        {
            throw new PromptTooLongException(textTokens + fewestVisual, fewestVisual, contextLength);
        }

        (float[] keptFeatures, long[] keptCounts, string identity, ImageTokenStatistics[] statistics, TimeSpan pruningTime) =
            await DedicatedThread.Run(() => EncodeAndPrune(plans, timing, pruning, cancellationToken), cancellationToken).ConfigureAwait(false);

        (int[] inputIds, int imagesEnd) = AssembleInputIds(textChunks, keptCounts);
        int visualTokens = (int)keptCounts.Sum();
        if (inputIds.Length >= contextLength)
        {
            throw new PromptTooLongException(inputIds.Length, visualTokens, contextLength);
        }

        return new PreparedPrompt(
            inputIds, imagesEnd, keptFeatures, keptCounts, identity, statistics, timing.CachedImages, timing.Preprocessing, timing.Vision, pruningTime);
    }

    public async Task<VisualTokenSelection> SelectAsync(RequestImage image, VisualTokenPruningOptions? pruning, CancellationToken cancellationToken)
    {
        pruning ??= _defaultPruning;
        pruning.Validate();
        return await DedicatedThread.Run(
            () =>
            {
                var timing = new EncodeTiming();
                TEncoded encoded = _vision.Encode(_vision.Plan(image, timing), timing, cancellationToken);
                return _vision.Describe(encoded, _vision.SelectRows(encoded, pruning));
            },
            cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _vision.Dispose();

    /// <summary>Runs the vision encoder on every image not cached and keeps each image's selected feature rows.</summary>
    private (float[] Features, long[] Counts, string Identity, ImageTokenStatistics[] Images, TimeSpan PruningTime) EncodeAndPrune(
        TPlan[] plans, EncodeTiming timing, VisualTokenPruningOptions pruning, CancellationToken cancellationToken)
    {
        var keptFeatures = new List<float>();
        var keptCounts = new long[plans.Length];
        var identity = new System.Text.StringBuilder();
        var images = new ImageTokenStatistics[plans.Length];
        TimeSpan pruningTime = TimeSpan.Zero;
        for (int i = 0; i < plans.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TEncoded encoded = _vision.Encode(plans[i], timing, cancellationToken);
            long start = Stopwatch.GetTimestamp();
            int[] rows = _vision.SelectRows(encoded, pruning);
            pruningTime += Stopwatch.GetElapsedTime(start);
            var rowsHash = new HashCode();
            foreach (int row in rows)
            {
                keptFeatures.AddRange(encoded.Features.AsSpan(row * _hidden, _hidden));
                rowsHash.Add(row);
            }

            keptCounts[i] = rows.Length;
            identity.Append(plans[i].Key).Append(':').Append(rows.Length).Append(':').Append(rowsHash.ToHashCode()).Append('|');
            images[i] = new ImageTokenStatistics(encoded.RowCount, rows.Length, plans[i].IsCached);
        }

        return ([.. keptFeatures], keptCounts, identity.ToString(), images, pruningTime);
    }

    /// <summary>
    /// Tokenizes the prompt into the token runs before, between and after its images' placeholders: the prefix first, markup
    /// with special tokens, message text literally. Each image's frame (<see cref="IVisionStage{TPlan, TEncoded}.FrameBefore"/>
    /// and <see cref="IVisionStage{TPlan, TEncoded}.FrameAfter"/>) goes around its placeholders, and adjacent text is encoded
    /// as one run, as a family's processor tokenizes its expanded prompt text.
    /// </summary>
    private int[][] TokenizeAroundImages(RenderedPrompt rendered)
    {
        var chunks = new List<int[]>();
        var chunk = new List<int>(_prefix);
        var text = new System.Text.StringBuilder();
        foreach (PromptSegment segment in rendered.Segments.SelectMany(Framed))
        {
            if (segment is ContentSegment content)
            {
                text.Append(content.Text);
                continue;
            }

            chunk.AddRange(_model.EncodeContent(text.ToString()));
            text.Clear();
            if (segment is ImageSegment)
            {
                chunks.Add([.. chunk]);
                chunk.Clear();
            }
            else
            {
                chunk.AddRange(_model.EncodeMarkup(segment.Text));
            }
        }

        chunk.AddRange(_model.EncodeContent(text.ToString()));
        chunks.Add([.. chunk]);
        return [.. chunks];

        IEnumerable<PromptSegment> Framed(PromptSegment segment) =>
            segment is ImageSegment ? [.. _vision.FrameBefore, segment, .. _vision.FrameAfter] : [segment];
    }

    /// <summary>
    /// Joins the text chunks with <paramref name="imageTokens"/>[N-1] placeholders of image N in its place; also returns
    /// the position after the last placeholder.
    /// </summary>
    private (int[] Ids, int ImagesEnd) AssembleInputIds(int[][] textChunks, long[] imageTokens)
    {
        var ids = new int[textChunks.Sum(c => c.Length) + imageTokens.Sum()];
        int written = 0, imagesEnd = 0;
        for (int chunk = 0; chunk < textChunks.Length; chunk++)
        {
            textChunks[chunk].CopyTo(ids, written);
            written += textChunks[chunk].Length;
            if (chunk < imageTokens.Length)
            {
                ids.AsSpan(written, (int)imageTokens[chunk]).Fill(_vision.PlaceholderId(chunk + 1));
                written += (int)imageTokens[chunk];
                imagesEnd = written;
            }
        }

        return (ids, imagesEnd);
    }
}
