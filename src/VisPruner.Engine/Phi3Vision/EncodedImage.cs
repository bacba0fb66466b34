using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Engine.Phi3Vision;

/// <summary>The vision encoder's output for one image: its feature rows [layout.NumImageTokens x hidden] and token layout.</summary>
internal sealed record EncodedImage(float[] Features, Phi3VisionImageLayout Layout)
{
    public long SizeInBytes => (long)Features.Length * sizeof(float);
}
