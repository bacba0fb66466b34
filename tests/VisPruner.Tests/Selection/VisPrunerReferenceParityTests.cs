using System.Text.Json;
using VisPruner.Selection;

namespace VisPruner.Tests.Selection;

/// <summary>The kept sets must equal the public reference implementation's, run in double precision (Fixtures/README.md).</summary>
public sealed class VisPrunerReferenceParityTests
{
    public static TheoryData<ReferenceCase> Cases()
    {
        var data = new TheoryData<ReferenceCase>();
        foreach (ReferenceCase c in ReferenceCase.Load())
        {
            data.Add(c);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_precision_keeps_exactly_the_reference_set(ReferenceCase c)
    {
        SeededTokens input = SeededTokens.Clustered(c.Seed, c.Tokens, c.Dimension, c.Heads);
        var kept = new int[c.Budget];

        new VisPrunerSelector(c.ImportantRatio).SelectTokens(input.Tokens(), c.Budget, kept);

        Assert.Equal(c.Kept, kept);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Single_precision_keeps_the_reference_important_tokens(ReferenceCase c)
    {
        // On clustered features the duplicate removal amplifies rounding: the reference's own float32 run keeps only
        // 35 of its float64 run's 64 tokens (seed 1, T = 64, r = 0.5). The importance-chosen tokens are stable.
        SeededTokens input = SeededTokens.Clustered(c.Seed, c.Tokens, c.Dimension, c.Heads);
        var selector = new VisPrunerSelector(c.ImportantRatio);
        var kept = new int[c.Budget];

        selector.SelectTokens(new VisualTokens<float>(input.FeaturesAs<float>(), c.Dimension, input.ImportanceAs<float>()), c.Budget, kept);

        int[] referenceImportant = c.Kept.OrderByDescending(i => input.Importance[i]).Take(selector.ImportantCount(c.Budget)).ToArray();
        Assert.Subset(kept.ToHashSet(), referenceImportant.ToHashSet());
        Assert.Equal(c.Budget, kept.Distinct().Count());
    }

    public sealed record ReferenceCase(ulong Seed, int Tokens, int Dimension, int Heads, int Budget, double ImportantRatio, int[] Kept)
    {
        public static IReadOnlyList<ReferenceCase> Load()
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "vispruner-reference-kept.json");
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.GetProperty("cases").EnumerateArray()
                .Select(e => new ReferenceCase(
                    e.GetProperty("seed").GetUInt64(),
                    e.GetProperty("tokens").GetInt32(),
                    e.GetProperty("dimension").GetInt32(),
                    e.GetProperty("heads").GetInt32(),
                    e.GetProperty("budget").GetInt32(),
                    e.GetProperty("importantRatio").GetDouble(),
                    e.GetProperty("kept").EnumerateArray().Select(k => k.GetInt32()).ToArray()))
                .ToList();
        }

        public override string ToString() => $"N={Tokens} C={Dimension} T={Budget} r={ImportantRatio} seed={Seed}";
    }
}
