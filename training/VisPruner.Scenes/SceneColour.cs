namespace VisPruner.Scenes;

/// <summary>The named tints items are drawn in.</summary>
public enum SceneColour
{
    /// <summary>Red.</summary>
    Red,

    /// <summary>Green.</summary>
    Green,

    /// <summary>Blue.</summary>
    Blue,

    /// <summary>Yellow.</summary>
    Yellow,

    /// <summary>White.</summary>
    White,

    /// <summary>Orange.</summary>
    Orange,
}

/// <summary>Names and RGB values of <see cref="SceneColour"/>.</summary>
public static class SceneColours
{
    /// <summary>Gets every colour.</summary>
    public static IReadOnlyList<SceneColour> All { get; } = Enum.GetValues<SceneColour>();

    /// <summary>Gets the name questions and answers use.</summary>
    public static string Name(this SceneColour colour) => colour.ToString().ToLowerInvariant();

    /// <summary>Gets the full-intensity RGB value; backgrounds stay darker than all of them, so every tint stands out.</summary>
    public static (byte R, byte G, byte B) Rgb(this SceneColour colour) => colour switch
    {
        SceneColour.Red => (220, 40, 40),
        SceneColour.Green => (50, 190, 70),
        SceneColour.Blue => (60, 110, 245),
        SceneColour.Yellow => (240, 220, 50),
        SceneColour.White => (245, 245, 245),
        SceneColour.Orange => (250, 145, 30),
        _ => throw new ArgumentOutOfRangeException(nameof(colour), colour, "Unknown colour."),
    };
}
