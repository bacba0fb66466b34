namespace VisPruner.Engine.ModelFolders;

/// <summary>Files a model folder needs: missing ones are reported as such, with what they were meant to be, before anything loads.</summary>
internal static class ConfiguredFile
{
    /// <summary>The tokenizer file every folder has.</summary>
    public const string TokenizerFileName = "tokenizer.json";

    /// <summary>Returns <paramref name="path"/> when the file exists.</summary>
    /// <exception cref="FileNotFoundException">It does not.</exception>
    public static string Require(string path, string what = "model file") =>
        File.Exists(path) ? path : throw new FileNotFoundException($"The {what} {path} named in genai_config.json does not exist.", path);

    /// <summary>Checks every file <paramref name="config"/> names, and the tokenizer.</summary>
    /// <exception cref="FileNotFoundException">One is missing; the message names it and what it is.</exception>
    public static void RequireAll(string folder, GenAiConfig config)
    {
        foreach ((string file, string what) in config.NamedFiles())
        {
            Require(Path.Combine(folder, file), what);
        }

        string tokenizer = Path.Combine(folder, TokenizerFileName);
        if (!File.Exists(tokenizer))
        {
            throw new FileNotFoundException($"The model folder has no tokenizer: {tokenizer} does not exist.", tokenizer);
        }

        // GenAI reports a malformed tokenizer file without naming it ("Failed to parse config json"): check them first.
        RequireJsonObject(tokenizer);
        string tokenizerConfig = Path.Combine(folder, TokenizerConfigFileName);
        if (File.Exists(tokenizerConfig))
        {
            RequireJsonObject(tokenizerConfig);
        }
    }

    /// <summary>The tokenizer's settings file (chat template, special tokens); optional.</summary>
    public const string TokenizerConfigFileName = "tokenizer_config.json";

    /// <exception cref="ModelFolderException">The file is not a JSON object; the exception names it.</exception>
    private static void RequireJsonObject(string path)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
            using var document = System.Text.Json.JsonDocument.Parse(file, new System.Text.Json.JsonDocumentOptions { MaxDepth = 256 });
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw new ModelFolderException(Path.GetFileName(path), null, "must hold a JSON object.");
            }
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ModelFolderException(Path.GetFileName(path), null, $"is not valid JSON ({ex.Message})", ex);
        }
    }
}
