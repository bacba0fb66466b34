namespace VisPruner.Engine.ModelFolders;

/// <summary>Files that genai_config.json names: missing ones are reported as such, with what they were meant to be.</summary>
internal static class ConfiguredFile
{
    /// <summary>Returns <paramref name="path"/> when the file exists.</summary>
    /// <exception cref="FileNotFoundException">It does not.</exception>
    public static string Require(string path, string what = "model file") =>
        File.Exists(path) ? path : throw new FileNotFoundException($"The {what} {path} named in genai_config.json does not exist.", path);
}
