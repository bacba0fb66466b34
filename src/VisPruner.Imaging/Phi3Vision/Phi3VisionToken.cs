namespace VisPruner.Imaging.Phi3Vision;

/// <summary>What one row of a Phi-3(.5)-vision image's features represents.</summary>
public enum Phi3VisionTokenKind
{
    /// <summary>A merged 2x2 patch of the sub-image grid.</summary>
    SubImagePatch,

    /// <summary>The learned separator (<c>sub_GN</c>) ending a token row of the sub-image grid.</summary>
    SubImageRowSeparator,

    /// <summary>The single learned separator (<c>glb_GN</c>) between the sub-image grid and the global view.</summary>
    GlobalSeparator,

    /// <summary>A merged 2x2 patch of the 336x336 global view.</summary>
    GlobalPatch,

    /// <summary>The learned separator (<c>sub_GN</c>) ending a token row of the global view.</summary>
    GlobalRowSeparator,
}

/// <summary>One image feature row: its kind and, for patches and row separators, its token-grid position.</summary>
/// <param name="Kind">What the row represents.</param>
/// <param name="Row">Token row in the sub-image grid or the global view (-1 for <see cref="Phi3VisionTokenKind.GlobalSeparator"/>).</param>
/// <param name="Column">Token column; for row separators the row width (one past the last patch); -1 for the global separator.</param>
public readonly record struct Phi3VisionToken(Phi3VisionTokenKind Kind, int Row, int Column);
