using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;

namespace VisPruner.Engine.Families;

/// <summary>
/// A family's image side as <see cref="ImagePromptPipeline{TPlan, TEncoded}"/> drives it: plan an image from its header,
/// encode it (preprocessing and vision encoder, with a feature cache), choose the rows that reach the decoder, and say
/// which placeholder id stands for them in <c>input_ids</c>. Used by one request at a time.
/// </summary>
/// <typeparam name="TPlan">An image between planning and encoding.</typeparam>
/// <typeparam name="TEncoded">An encoded image: its feature rows and what the selector needs.</typeparam>
internal interface IVisionStage<TPlan, TEncoded> : IDisposable
    where TPlan : IPlannedImage
    where TEncoded : IEncodedImage
{
    /// <summary>The <c>input_ids</c> value of every placeholder of image <paramref name="imageNumber"/> (1-based).</summary>
    int PlaceholderId(int imageNumber);

    /// <summary>
    /// Gets what the prompt holds before each image's placeholders, in place of the template's image marker: nothing by
    /// default; for Gemma 3, a blank line and <c>&lt;start_of_image&gt;</c>. Its text is tokenized together with the text
    /// before it, as a processor tokenizes its expanded prompt.
    /// </summary>
    IReadOnlyList<PromptSegment> FrameBefore => [];

    /// <summary>Gets what the prompt holds after each image's placeholders; its text is tokenized together with the text after it.</summary>
    IReadOnlyList<PromptSegment> FrameAfter => [];

    /// <summary>From the header alone: the cached features, or the token count the image will have.</summary>
    TPlan Plan(RequestImage image, EncodeTiming timing);

    /// <summary>The fewest rows <paramref name="pruning"/> can leave of the image, known before it is encoded.</summary>
    int FewestRows(TPlan plan, VisualTokenPruningOptions pruning);

    /// <summary>Decodes, preprocesses and runs the vision encoder, unless the features were cached.</summary>
    TEncoded Encode(TPlan plan, EncodeTiming timing, CancellationToken cancellationToken);

    /// <summary>The rows of <paramref name="image"/> that <paramref name="pruning"/> keeps, ascending.</summary>
    int[] SelectRows(TEncoded image, VisualTokenPruningOptions pruning);

    /// <summary>Describes a selection for <see cref="MultimodalEngine.SelectVisualTokensAsync"/>.</summary>
    /// <exception cref="NotSupportedException">The family's token layout has no public description.</exception>
    VisualTokenSelection Describe(TEncoded image, IReadOnlyList<int> keptRows);
}

/// <summary>An image planned from its header.</summary>
internal interface IPlannedImage
{
    /// <summary>Gets the image's cache key (a hash of its bytes).</summary>
    string Key { get; }

    /// <summary>Gets a value indicating whether its features came from the cache.</summary>
    bool IsCached { get; }
}

/// <summary>An image's feature rows, [<see cref="RowCount"/> x hidden], as the vision model emits them.</summary>
internal interface IEncodedImage
{
    float[] Features { get; }

    int RowCount { get; }
}
