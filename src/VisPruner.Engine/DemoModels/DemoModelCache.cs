namespace VisPruner.Engine.DemoModels;

/// <summary>
/// Generated model folders kept in the user's cache (<c>$VISPRUNER_CACHE</c>, else <c>$XDG_CACHE_HOME/vispruner</c> or
/// <c>~/.cache/vispruner</c>; <c>%LOCALAPPDATA%\vispruner</c> on Windows), written once and reused.
/// </summary>
public static class DemoModelCache
{
    /// <summary>The name of the default demo folder; bumped whenever the factory's output changes.</summary>
    public const string DemoName = "tiny-phi3v-qa-1";

    /// <summary>Gets the cache root.</summary>
    public static string Root =>
        Environment.GetEnvironmentVariable("VISPRUNER_CACHE") is { Length: > 0 } configured ? configured
        : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "vispruner")
        : Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "vispruner");

    /// <summary>Returns the demo model's folder (random weights), writing it first if needed.</summary>
    /// <returns>The folder.</returns>
    public static string GetOrCreateDemo() => GetOrCreate(DemoName, new TinyPhi3VisionOptions { PastPresentShareBuffer = true });

    /// <summary>Returns the folder of a generated model named <paramref name="name"/>, writing it first if needed.</summary>
    /// <param name="name">The folder name; change it whenever <paramref name="options"/> change.</param>
    /// <param name="options">The model to write.</param>
    /// <returns>The folder.</returns>
    public static string GetOrCreate(string name, TinyPhi3VisionOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string folder = Path.Combine(Root, "demo-models", name);
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
