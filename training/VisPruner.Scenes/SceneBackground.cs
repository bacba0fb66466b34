namespace VisPruner.Scenes;

/// <summary>How a scene's background is painted. All kinds repeat the same few colours over large areas, so background
/// tokens are near-duplicates of one another, as in real photos.</summary>
public enum SceneBackgroundKind
{
    /// <summary>One colour.</summary>
    Flat,

    /// <summary>One colour with per-pixel noise.</summary>
    Noisy,

    /// <summary>A linear blend between two colours along a random direction.</summary>
    Gradient,

    /// <summary>Stripes of two colours at a random period and orientation.</summary>
    Striped,
}

/// <summary>A background: its kind, two muted colours, and the kind's parameters.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="First">The main colour.</param>
/// <param name="Second">The second colour (gradient end, alternate stripe); unused by flat and noisy backgrounds.</param>
/// <param name="Angle">Direction of the gradient or of the stripes' normal, in radians.</param>
/// <param name="Period">Stripe period in pixels.</param>
/// <param name="NoiseSeed">Seed of the noise.</param>
public sealed record SceneBackground(SceneBackgroundKind Kind, (byte R, byte G, byte B) First, (byte R, byte G, byte B) Second, double Angle, int Period, int NoiseSeed)
{
    /// <summary>Gets the name scene descriptions use.</summary>
    public string Name => Kind.ToString().ToLowerInvariant();
}
