using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;

namespace VisPruner.Engine.Phi3Vision;

/// <summary>
/// Phi-3.5-vision's image side in the shared prompt pipeline: the placeholders of image N are <c>-N</c> (GenAI's phi3v
/// embedding model takes negative ids as image rows), the encoder runs the HD transform and the tapped vision model, and
/// <see cref="Phi3VisionTokenPruner"/> chooses the rows.
/// </summary>
internal sealed class Phi3VisionStage(Phi3VisionEncoder encoder, int hidden) : IVisionStage<ImageJob, EncodedImage>
{
    public int PlaceholderId(int imageNumber) => -imageNumber;

    public ImageJob Plan(RequestImage image, EncodeTiming timing) => encoder.Plan(image, timing);

    // The budget, plus the global separator that is always kept (row separators follow the kept rows).
    public int FewestRows(ImageJob plan, VisualTokenPruningOptions pruning) => pruning.Selector == VisualTokenSelectorKind.None
        ? plan.Layout.NumImageTokens
        : Math.Min(plan.Layout.NumImageTokens, pruning.BudgetFor((plan.Layout.CropCount + 1) * Phi3VisionTokenPruner.TokensPerCrop) + 1);

    public EncodedImage Encode(ImageJob plan, EncodeTiming timing, CancellationToken cancellationToken) => encoder.Encode(plan, timing, cancellationToken);

    public int[] SelectRows(EncodedImage image, VisualTokenPruningOptions pruning) => Phi3VisionTokenPruner.SelectRows(image, hidden, pruning);

    public VisualTokenSelection Describe(EncodedImage image, IReadOnlyList<int> keptRows) => new(image.Layout, keptRows);

    public void Dispose() => encoder.Dispose();
}
