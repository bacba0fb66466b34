using System.Text.Json.Nodes;
using VisPruner.DemoModels;
using VisPruner.Engine.ModelFolders;

namespace VisPruner.Engine.Tests;

/// <summary>Tiny phi3v folders written once per test class, in both key/value cache layouts.</summary>
public sealed class TinyModelFixture : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vispruner-tests-" + Guid.NewGuid().ToString("N"));

    public TinyModelFixture()
    {
        GrowingKvFolder = Path.Combine(_root, "growing");
        SharedKvFolder = Path.Combine(_root, "shared");
        GrowingKv = TinyPhi3VisionModel.Write(GrowingKvFolder, new TinyPhi3VisionOptions { PastPresentShareBuffer = false });
        TinyPhi3VisionModel.Write(SharedKvFolder, new TinyPhi3VisionOptions { PastPresentShareBuffer = true });
    }

    public string GrowingKvFolder { get; }

    public TinyPhi3VisionModelInfo GrowingKv { get; }

    public string SharedKvFolder { get; }

    /// <summary>Copies a folder so a test can break it.</summary>
    public string CopyOf(string folder)
    {
        string copy = Path.Combine(_root, "copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(folder))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    /// <summary>Rewrites <paramref name="folder"/>'s genai_config.json after <paramref name="edit"/> changes it.</summary>
    public static void EditConfig(string folder, Action<JsonNode> edit)
    {
        string path = Path.Combine(folder, GenAiConfig.FileName);
        JsonNode root = JsonNode.Parse(File.ReadAllText(path))!;
        edit(root);
        File.WriteAllText(path, root.ToJsonString());
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
