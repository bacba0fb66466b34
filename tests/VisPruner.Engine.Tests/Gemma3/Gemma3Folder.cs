using VisPruner.Imaging;
using VisPruner.Imaging.Png;

namespace VisPruner.Engine.Tests.Gemma3;

/// <summary>
/// gemma3 demo folders, written once per test class: one whose <c>image_features</c> has rank 3 (the demo's default) and
/// one with rank 2, and PNG images for them.
/// </summary>
public sealed class Gemma3Folder : IDisposable
{

    public Gemma3Folder()
    {
        Info = TinyGemma3Model.Write(Path);
        TinyGemma3Model.Write(Rank2Path, new TinyGemma3Options { ImageFeaturesRank = 2 });
        TinyGemma3Model.Write(LinearPath);
        string processor = System.IO.Path.Combine(LinearPath, TinyGemma3Model.ProcessorFileName);
        File.WriteAllText(processor, File.ReadAllText(processor)
            .Replace("\"CUBIC\"", "\"LINEAR\"", StringComparison.Ordinal).Replace("\"keep_aspect_ratio\": 0", "\"keep_aspect_ratio\": 1", StringComparison.Ordinal));
    }

    /// <summary>Gets the folder whose image features are [images, 256, hidden].</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vispruner-gemma3-" + Guid.NewGuid().ToString("N"));

    /// <summary>Gets the folder whose image features are [images x 256, hidden].</summary>
    public string Rank2Path => System.IO.Path.Combine(Path, "rank2");

    /// <summary>Gets a rank-3 folder whose processor resizes bilinearly (<c>LINEAR</c>) and says <c>keep_aspect_ratio</c> 1.</summary>
    public string LinearPath => System.IO.Path.Combine(Path, "linear");

    public TinyGemma3ModelInfo Info { get; }

    /// <summary>The folder of a variant: <c>rank3</c>, <c>rank2</c> or <c>linear</c>.</summary>
    public string Of(string variant) => variant switch
    {
        "rank3" => Path,
        "rank2" => Rank2Path,
        "linear" => LinearPath,
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "rank3, rank2 or linear"),
    };

    /// <summary>A PNG file of a conformance image, or of the test picture of a "WxH" size.</summary>
    public string Image(string name)
    {
        if (!name.Contains('x', StringComparison.Ordinal) || name.EndsWith(".png", StringComparison.Ordinal))
        {
            return System.IO.Path.Combine(AppContext.BaseDirectory, "Conformance", "Images", name);
        }

        string path = System.IO.Path.Combine(Path, $"picture-{name}.png");
        if (!File.Exists(path))
        {
            int[] size = [.. name.Split('x').Select(int.Parse)];
            File.WriteAllBytes(path, PngEncoder.EncodeToBytes(ImageDecoder.Decode(TestImages.Bmp(size[0], size[1], variant: 6))));
        }

        return path;
    }

    /// <summary>Writes another folder, then lets <paramref name="edit"/> change it (the copies go when the fixture does).</summary>
    public string Variant(Action<string> edit, TinyGemma3Options? options = null)
    {
        string variant = System.IO.Path.Combine(Path, "variants", Guid.NewGuid().ToString("N"));
        TinyGemma3Model.Write(variant, options);
        edit(variant);
        return variant;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
