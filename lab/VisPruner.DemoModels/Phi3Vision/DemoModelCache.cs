namespace VisPruner.DemoModels;

/// <summary>
/// Generated model folders kept in the user's cache (<c>$VISPRUNER_CACHE</c>, else <c>$XDG_CACHE_HOME/vispruner</c> or
/// <c>~/.cache/vispruner</c>; <c>%LOCALAPPDATA%\vispruner</c> on Windows), written once and reused.
/// </summary>
public static class DemoModelCache
{
    /// <summary>The name of the default demo folder; bumped whenever the factory's output changes.</summary>
    public const string DemoName = "tiny-phi3v-qa-2";

    /// <summary>The name of the phi4mm demo folder; bumped whenever <see cref="TinyPhi4MultimodalModel"/>'s output changes.</summary>
    public const string Phi4MultimodalDemoName = "tiny-phi4mm-1";

    /// <summary>The name of the gemma3 demo folder; bumped whenever <see cref="TinyGemma3Model"/>'s output changes.</summary>
    public const string Gemma3DemoName = "tiny-gemma3-1";

    // Part of every trained folder's name: bumped whenever the factory builds other files from the same weights.
    private const string TrainedVersion = "2";

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

    /// <summary>Returns the phi4mm demo model's folder (seeded random weights, the default options), writing it first if needed.</summary>
    /// <returns>The folder.</returns>
    public static string GetOrCreatePhi4MultimodalDemo() => GetOrCreate(Phi4MultimodalDemoName, folder => TinyPhi4MultimodalModel.Write(folder));

    /// <summary>Returns the gemma3 demo model's folder (seeded random weights, the default options), writing it first if needed.</summary>
    /// <returns>The folder.</returns>
    public static string GetOrCreateGemma3Demo() => GetOrCreate(Gemma3DemoName, folder => TinyGemma3Model.Write(folder));

    /// <summary>
    /// Returns the folder of the model built from trained weights (see <see cref="TinyPhi3VisionOptions.ForTrainedWeights"/>),
    /// writing it first if needed. The folder name carries a hash of the weights file, so new weights get a new folder.
    /// </summary>
    /// <param name="weightsPath">A safetensors file of trained weights.</param>
    /// <returns>The folder.</returns>
    /// <exception cref="FileNotFoundException">The weights file does not exist.</exception>
    /// <exception cref="InvalidDataException">The weights file is not valid or does not fit the factory.</exception>
    public static string GetOrCreateTrained(string weightsPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        using FileStream file = File.OpenRead(weightsPath);
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file))[..12];
        string name = $"{Path.GetFileNameWithoutExtension(weightsPath)}-{TrainedVersion}-{hash}";
        return Exists(name) ?? GetOrCreate(name, TinyPhi3VisionOptions.ForTrainedWeights(SafetensorsWeights.Load(weightsPath)));
    }

    /// <summary>Returns the folder of a generated model named <paramref name="name"/>, writing it first if needed.</summary>
    /// <param name="name">The folder name; change it whenever <paramref name="options"/> change.</param>
    /// <param name="options">The model to write.</param>
    /// <returns>The folder.</returns>
    public static string GetOrCreate(string name, TinyPhi3VisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return GetOrCreate(name, folder => TinyPhi3VisionModel.Write(folder, options));
    }

    /// <summary>Returns the folder named <paramref name="name"/>, written first by <paramref name="write"/> if needed.</summary>
    /// <param name="name">The folder name; change it whenever what <paramref name="write"/> writes changes.</param>
    /// <param name="write">Writes the model into the folder it is given (a staging folder, moved into place once complete).</param>
    /// <returns>The folder.</returns>
    public static string GetOrCreate(string name, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(write);
        if (Exists(name) is { } existing)
        {
            return existing;
        }

        string folder = Path.Combine(Root, "demo-models", name);

        // Write next to the final place, then move: a concurrent or interrupted run never sees half a folder, and two
        // threads that write the same model at once each stage their own copy.
        string staging = folder + ".tmp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N");
        write(staging);
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

    private static string? Exists(string name)
    {
        string folder = Path.Combine(Root, "demo-models", name);
        return File.Exists(Path.Combine(folder, "genai_config.json")) ? folder : null;
    }
}
