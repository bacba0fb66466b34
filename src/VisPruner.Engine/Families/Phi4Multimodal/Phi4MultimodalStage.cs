using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;

namespace VisPruner.Engine.Phi4Multimodal;

/// <summary>
/// Phi-4-multimodal's image side in the shared prompt pipeline: every image placeholder is <c>&lt;|endoftext10|&gt;</c>
/// (200010), the id ONNX Runtime GenAI's phi4mm processor hard-codes and the embedding model scatters image rows into;
/// <see cref="Phi4MultimodalTokenPruner"/> chooses the rows.
/// </summary>
internal sealed class Phi4MultimodalStage(Phi4MultimodalEncoder encoder, int hidden) : IVisionStage<Phi4ImageJob, Phi4EncodedImage>
{
    /// <summary>The image placeholder id of every phi4mm image.</summary>
    public const int ImageTokenId = 200010;

    public int PlaceholderId(int imageNumber) => ImageTokenId;

    public Phi4ImageJob Plan(RequestImage image, EncodeTiming timing) => encoder.Plan(image, timing);

    public int FewestRows(Phi4ImageJob plan, VisualTokenPruningOptions pruning) => Phi4MultimodalTokenPruner.FewestRows(plan.Layout, pruning);

    public Phi4EncodedImage Encode(Phi4ImageJob plan, EncodeTiming timing, CancellationToken cancellationToken) => encoder.Encode(plan, timing, cancellationToken);

    public int[] SelectRows(Phi4EncodedImage image, VisualTokenPruningOptions pruning) => Phi4MultimodalTokenPruner.SelectRows(image, hidden, pruning);

    public VisualTokenSelection Describe(Phi4EncodedImage image, IReadOnlyList<int> keptRows) =>
        throw new NotSupportedException("Describing a selection needs a Phi-3.5-vision token layout; phi4mm selections are not described yet.");

    public void Dispose() => encoder.Dispose();
}
