using VisPruner.Engine.Families;
using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Engine.Phi3Vision;

/// <summary>
/// The vision encoder's output for one image: its feature rows [layout.NumImageTokens x hidden], token layout, and, when
/// the vision model's attention could be read, each crop's [CLS] attention per merged token [crops x 144] (global view first).
/// </summary>
internal sealed record EncodedImage(float[] Features, Phi3VisionImageLayout Layout, float[]? CropImportance) : IEncodedImage
{
    public int RowCount => Layout.NumImageTokens;

    public long SizeInBytes => ((long)Features.Length + (CropImportance?.Length ?? 0)) * sizeof(float);
}
