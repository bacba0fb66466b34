namespace VisPruner.Cli.Tests;

/// <summary>The README's example images, copied next to the tests.</summary>
internal static class ExampleImages
{
    /// <summary>Gets the demo scene the README asks about (a yellow sneaker, a white shirt, a white dress, ...).</summary>
    public static string FashionScene => Path.Combine(AppContext.BaseDirectory, "images", "fashion-scene.png");
}
