using System.Text.Json;

namespace VisPruner.Imaging.Tests;

/// <summary>Access to the committed fixture images and the RGB Pillow decoded from them.</summary>
internal static class Fixture
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static byte[] Image(string name) => File.ReadAllBytes(Path.Combine(Root, "images", name));

    public static byte[] ExpectedRgb(string name) => File.ReadAllBytes(Path.Combine(Root, "expected", name + ".rgb"));

    public static IReadOnlyDictionary<string, int[]> Manifest { get; } =
        JsonSerializer.Deserialize<Dictionary<string, int[]>>(File.ReadAllText(Path.Combine(Root, "expected", "manifest.json")))!;

    public static TheoryData<string> Names(string prefix)
    {
        var data = new TheoryData<string>();
        foreach (string name in Manifest.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }
}
