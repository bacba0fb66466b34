namespace VisPruner.Extensions.AI.Tests.Conversion;

/// <summary>
/// A scratch folder with an allowed folder and an outside one, each holding a different real PNG as photo.png (the
/// outside one also a text file), deleted on dispose. Links are made with the real file-system calls.
/// </summary>
internal sealed class FileTree : IDisposable
{
    public FileTree()
    {
        Root = Directory.CreateTempSubdirectory("vispruner-paths-").FullName;
        Allowed = Folder("allowed");
        Outside = Folder("outside");
        File.Copy(ExampleImage("house.png"), Path.Combine(Allowed, "photo.png"));
        File.Copy(ExampleImage("fashion-scene.png"), Path.Combine(Outside, "photo.png"));
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "not an image");
    }

    public string Root { get; }

    public string Allowed { get; }

    public string Outside { get; }

    public static byte[] InsideImage { get; } = File.ReadAllBytes(ExampleImage("house.png"));

    public static byte[] OutsideImage { get; } = File.ReadAllBytes(ExampleImage("fashion-scene.png"));

    /// <summary>Creates (if needed) and returns the folder <paramref name="parts"/> under the root.</summary>
    public string Folder(params string[] parts) => Directory.CreateDirectory(Path.Combine([Root, .. parts])).FullName;

    /// <summary>Makes <paramref name="link"/> (under the root) a link to <paramref name="target"/>, kept as written.</summary>
    public string Link(string link, string target, bool folder = true)
    {
        string path = Path.Combine(Root, link);
        _ = folder ? Directory.CreateSymbolicLink(path, target) : File.CreateSymbolicLink(path, target);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static string ExampleImage(string name) => Path.Combine(AppContext.BaseDirectory, "images", name);
}
