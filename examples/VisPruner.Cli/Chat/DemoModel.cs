using VisPruner.Engine.DemoModels;

namespace VisPruner.Cli.Chat;

/// <summary>The built-in demo model: a tiny phi3v folder with random weights, written once into the user's cache.</summary>
internal static class DemoModel
{
    // Bump when the demo model's files change, so stale copies are not reused.
    private const string Version = "tiny-phi3v-1";

    public static string EnsureFolder() => EnsureFolder(Version, new TinyPhi3VisionOptions { PastPresentShareBuffer = true });

    /// <summary>Returns the folder of a generated model, writing it into the cache first if needed.</summary>
    public static string EnsureFolder(string name, TinyPhi3VisionOptions options)
    {
        string cache = Environment.GetEnvironmentVariable("VISPRUNER_CACHE") is { Length: > 0 } configured ? configured
            : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "vispruner")
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "vispruner");
        string folder = Path.Combine(cache, "demo-models", name);
        if (File.Exists(Path.Combine(folder, "genai_config.json")))
        {
            return folder;
        }

        // Write next to the final place, then move: a concurrent or interrupted run never sees half a folder.
        string staging = folder + ".tmp-" + Environment.ProcessId;
        TinyPhi3VisionModel.Write(staging, options);
        try
        {
            Directory.Move(staging, folder);
        }
        catch (IOException) when (Directory.Exists(folder))
        {
            Directory.Delete(staging, recursive: true);
        }

        return folder;
    }
}
