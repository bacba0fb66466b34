namespace VisPruner.Engine.Generation;

/// <summary>A request turned into decoder input: token ids with image placeholders, and the image feature rows they take.</summary>
/// <param name="InputIds">Token ids, with a run of the family's placeholder id for the kept rows of each image.</param>
/// <param name="ImagesEnd">The position after the last image placeholder (0 without images): GenAI must get everything before it in one append.</param>
/// <param name="ImageFeatures">The kept feature rows of all images, in prompt order, row-major [rows x hidden].</param>
/// <param name="ImageTokenCounts">The kept rows of each image, in prompt order (GenAI's <c>num_image_tokens</c>).</param>
/// <param name="ImageIdentity">Which images and kept rows the placeholders stand for (a generator can continue only with the same).</param>
/// <param name="Images">Visual tokens of each image, before and after pruning.</param>
/// <param name="CachedImages">Images served from the feature cache.</param>
/// <param name="ImagePreprocessingTime">Time spent decoding and preprocessing images.</param>
/// <param name="VisionTime">Time spent in the vision encoder.</param>
/// <param name="PruningTime">Time spent choosing visual tokens.</param>
internal sealed record PreparedPrompt(
    int[] InputIds,
    int ImagesEnd,
    float[] ImageFeatures,
    long[] ImageTokenCounts,
    string ImageIdentity,
    IReadOnlyList<ImageTokenStatistics> Images,
    int CachedImages,
    TimeSpan ImagePreprocessingTime,
    TimeSpan VisionTime,
    TimeSpan PruningTime)
{
    public int VisualTokensBeforePruning => Images.Sum(i => i.VisualTokensBeforePruning);

    public int VisualTokens => Images.Sum(i => i.VisualTokens);
}
