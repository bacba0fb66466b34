using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;

namespace VisPruner.Engine.Gemma3;

/// <summary>
/// Gemma 3's image side in the shared prompt pipeline: an image's kept rows go to <c>&lt;image_soft_token&gt;</c> (262144)
/// placeholders framed as ONNX Runtime GenAI's processor frames its 256, <c>"\n\n&lt;start_of_image&gt;"</c> before and
/// <c>"&lt;end_of_image&gt;\n\n"</c> after, the newlines tokenized with the text around them;
/// <see cref="Gemma3TokenPruner"/> chooses the rows.
/// </summary>
internal sealed class Gemma3Stage(Gemma3Encoder encoder, int hidden) : IVisionStage<Gemma3ImageJob, Gemma3EncodedImage>
{
    public IReadOnlyList<PromptSegment> FrameBefore { get; } = [new ContentSegment("\n\n"), new MarkupSegment("<start_of_image>")];

    public IReadOnlyList<PromptSegment> FrameAfter { get; } = [new MarkupSegment("<end_of_image>"), new ContentSegment("\n\n")];

    public int PlaceholderId(int imageNumber) => Gemma3FolderChecks.SoftTokenId;

    public Gemma3ImageJob Plan(RequestImage image, EncodeTiming timing) => encoder.Plan(image, timing);

    public int FewestRows(Gemma3ImageJob plan, VisualTokenPruningOptions pruning) => Gemma3TokenPruner.KeptRows(pruning);

    public Gemma3EncodedImage Encode(Gemma3ImageJob plan, EncodeTiming timing, CancellationToken cancellationToken) => encoder.Encode(plan, timing, cancellationToken);

    public int[] SelectRows(Gemma3EncodedImage image, VisualTokenPruningOptions pruning) => Gemma3TokenPruner.SelectRows(image, hidden, pruning);

    public VisualTokenSelection Describe(Gemma3EncodedImage image, IReadOnlyList<int> keptRows) =>
        throw new NotSupportedException("Describing a selection needs a Phi-3.5-vision token layout; gemma3 selections are not described yet.");

    public void Dispose() => encoder.Dispose();
}
