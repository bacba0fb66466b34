using VisPruner.Imaging;
using VisPruner.Imaging.Png;

namespace VisPruner.Engine.Tests.Phi4Multimodal;

/// <summary>A phi4mm demo folder as published (speech model included), written once per test class, and PNG images for it.</summary>
public sealed class Phi4MultimodalFolder : IDisposable
{
    public Phi4MultimodalFolder() => Info = TinyPhi4MultimodalModel.Write(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vispruner-phi4mm-" + Guid.NewGuid().ToString("N"));

    public TinyPhi4MultimodalModelInfo Info { get; }

    /// <summary>
    /// A PNG file of a conformance image, or of the test picture of a "WxH" size. PNG, because GenAI 0.20's phi4mm
    /// image decoder takes a BMP for a JPEG and ends the process.
    /// </summary>
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
            File.WriteAllBytes(path, PngEncoder.EncodeToBytes(ImageDecoder.Decode(TestImages.Bmp(size[0], size[1], variant: 5))));
        }

        return path;
    }

    /// <summary>Writes another folder, then lets <paramref name="edit"/> change it (the copies go when the fixture does).</summary>
    public string Variant(Action<string> edit, TinyPhi4MultimodalOptions? options = null)
    {
        string variant = System.IO.Path.Combine(Path, "variants", Guid.NewGuid().ToString("N"));
        TinyPhi4MultimodalModel.Write(variant, options);
        edit(variant);
        return variant;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
