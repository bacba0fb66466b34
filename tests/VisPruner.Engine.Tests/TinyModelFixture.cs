using System.Text.Json.Nodes;
using VisPruner.DemoModels;
using VisPruner.Engine.ModelFolders;

namespace VisPruner.Engine.Tests;

/// <summary>Tiny phi3v folders written once per test class, in both key/value cache layouts, and scripted ones on demand.</summary>
public sealed class TinyModelFixture : IDisposable
{
    private readonly string _copies = Path.Combine(Path.GetTempPath(), "vispruner-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Gets the models with a key/value cache that grows with the sequence.</summary>
    public ScriptedModelFolders GrowingKvModels { get; } = new(new TinyPhi3VisionOptions { PastPresentShareBuffer = false });

    /// <summary>Gets the models with one key/value buffer of the maximum length, bound as both past and present.</summary>
    public ScriptedModelFolders SharedKvModels { get; } = new(new TinyPhi3VisionOptions { PastPresentShareBuffer = true });

    public string GrowingKvFolder => GrowingKvModels.RandomFolder;

    public TinyPhi3VisionModelInfo GrowingKv => GrowingKvModels.RandomModel;

    public string SharedKvFolder => SharedKvModels.RandomFolder;

    /// <summary>Copies a folder so a test can break it.</summary>
    public string CopyOf(string folder)
    {
        string copy = Path.Combine(_copies, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(folder))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    /// <summary>Rewrites <paramref name="folder"/>'s genai_config.json after <paramref name="edit"/> changes it.</summary>
    public static void EditConfig(string folder, Action<JsonNode> edit) => EditJson(folder, GenAiConfig.FileName, edit);

    /// <summary>Rewrites the JSON file <paramref name="file"/> of <paramref name="folder"/> after <paramref name="edit"/> changes it.</summary>
    public static void EditJson(string folder, string file, Action<JsonNode> edit)
    {
        string path = Path.Combine(folder, file);
        JsonNode root = JsonNode.Parse(File.ReadAllText(path))!;
        edit(root);
        File.WriteAllText(path, root.ToJsonString());
    }

    public void Dispose()
    {
        GrowingKvModels.Dispose();
        SharedKvModels.Dispose();
        if (Directory.Exists(_copies))
        {
            Directory.Delete(_copies, recursive: true);
        }
    }
}
