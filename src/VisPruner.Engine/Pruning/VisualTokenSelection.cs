using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Engine.Pruning;

/// <summary>Which of an image's visual tokens a pruning setting keeps, for showing or checking the selection.</summary>
/// <param name="Layout">The image's token layout (feature row roles).</param>
/// <param name="KeptRows">The kept feature rows, ascending.</param>
public sealed record VisualTokenSelection(Phi3VisionImageLayout Layout, IReadOnlyList<int> KeptRows);
