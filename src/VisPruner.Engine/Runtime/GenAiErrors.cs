using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.ModelFolders;

namespace VisPruner.Engine.Runtime;

/// <summary>Turns ONNX Runtime GenAI's errors into exceptions that name the folder and, where it can be told, the file.</summary>
internal static class GenAiErrors
{
    private static readonly string[] ProviderWords = ["cuda", "dml", "directml", "execution provider"];

    /// <summary>The folder was rejected at load.</summary>
    public static Exception Rejected(string folder, OnnxRuntimeGenAIException ex, ExecutionProvider provider)
    {
        string message = ex.Message;
        if (provider != ExecutionProvider.Cpu && ProviderWords.Any(w => message.Contains(w, StringComparison.OrdinalIgnoreCase)))
        {
            return ExecutionProviderSetup.Unavailable(provider, ex);
        }

        string file = FileNamed(folder, message) ?? GenAiConfig.FileName;
        return new ModelFolderException(file, null, $"ONNX Runtime GenAI cannot load the model folder {folder}: {message}", ex);
    }

    // GenAI's messages name the file when a model or tokenizer file is at fault; otherwise the configuration is.
    private static string? FileNamed(string folder, string message) =>
        Directory.EnumerateFiles(folder)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => message.Contains(name, StringComparison.Ordinal))
            .OrderByDescending(name => name.Length)
            .FirstOrDefault();
}
