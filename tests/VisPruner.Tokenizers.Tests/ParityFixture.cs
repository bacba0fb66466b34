using System.Text.Json.Nodes;

namespace VisPruner.Tokenizers.Tests;

/// <summary>Hugging Face tokenizers' own results (Fixtures/parity.json, see Fixtures/README.md).</summary>
internal sealed class ParityFixture
{
    public static ParityFixture Instance { get; } = new();

    private ParityFixture()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "parity.json")))!;
        Variants = root["variants"]!.AsObject();
        var texts = root["texts"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray();
        Encodes = root["encode"]!.AsArray().Select(e => new EncodeCase(
            e!["variant"]!.GetValue<string>(),
            texts[e["text"]!.GetValue<int>()],
            e["addSpecialTokens"]!.GetValue<bool>(),
            e["ids"]!.AsArray().Select(i => i!.GetValue<int>()).ToArray())).ToArray();
        Decodes = root["decode"]!.AsArray().Select(e => new DecodeCase(
            e!["variant"]!.GetValue<string>(),
            e["ids"]!.AsArray().Select(i => i!.GetValue<int>()).ToArray(),
            e["skipSpecialTokens"]!.GetValue<bool>(),
            e["text"]!.GetValue<string>())).ToArray();
    }

    public JsonObject Variants { get; }

    public IReadOnlyList<EncodeCase> Encodes { get; }

    public IReadOnlyList<DecodeCase> Decodes { get; }

    public static TheoryData<string> VariantNames()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in Instance.Variants)
        {
            data.Add(name);
        }

        return data;
    }

    public sealed record EncodeCase(string Variant, string Text, bool AddSpecialTokens, int[] Ids);

    public sealed record DecodeCase(string Variant, int[] Ids, bool SkipSpecialTokens, string Text);
}
