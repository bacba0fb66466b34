namespace VisPruner.Imaging.Phi3Vision;

/// <summary>How <see cref="Phi3VisionTokenOverlay"/> marks kept and dropped tokens.</summary>
public sealed class Phi3VisionTokenOverlayOptions
{
    /// <summary>
    /// Brightness of dropped regions, which are also turned grey: 0 paints them black, 1 only removes their colour.
    /// Default 0.35.
    /// </summary>
    public float DroppedBrightness { get; init; } = 0.35f;

    /// <summary>
    /// Width in pixels of the outline drawn on the kept side of every boundary between kept and dropped regions;
    /// 0 draws none. Null (the default) picks one pixel per 500 pixels of the image's shorter side, at least one.
    /// </summary>
    public int? OutlineWidth { get; init; }

    /// <summary>Whether to add the global view's 12x12 tokens as a square panel to the right of the image. Default true.</summary>
    public bool ShowGlobalView { get; init; } = true;

    internal void Validate()
    {
        if (!(DroppedBrightness is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(DroppedBrightness), DroppedBrightness, "DroppedBrightness must be between 0 and 1.");
        }

        if (OutlineWidth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(OutlineWidth), OutlineWidth, "OutlineWidth cannot be negative.");
        }
    }
}
