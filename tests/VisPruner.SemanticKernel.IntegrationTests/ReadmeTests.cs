using System.Text.RegularExpressions;

namespace VisPruner.SemanticKernel.IntegrationTests;

/// <summary>
/// The READMEs' C# blocks are quoted from the compiled, tested snippets: a block follows a <c>&lt;!-- snippet: name --&gt;</c>
/// line (or, in the READMEs packed into the packages, whose pages show no HTML, a <c>[//]: # (snippet: name)</c> line)
/// and equals the <c>#region name</c> of a file in Snippets/.
/// </summary>
public sealed partial class ReadmeTests
{
    /// <summary>Gets the repository's root folder (where the solution file is).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    // The root README and the docs it links to, then the READMEs packed into the packages.
    private static readonly string[] ReadmeFiles =
    [
        "README.md",
        "docs/engine.md",
        "docs/selection.md",
        "src/VisPruner/README.md",
        "src/VisPruner.Engine/README.md",
        "src/VisPruner.Extensions.AI/README.md",
        "src/VisPruner.SemanticKernel/README.md",
    ];

    public static TheoryData<string> Readmes => [.. ReadmeFiles];

    [Theory]
    [MemberData(nameof(Readmes))]
    public void Every_csharp_block_is_a_snippet_that_matches_its_region(string readme)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryRoot, readme)).ReplaceLineEndings("\n");
        Dictionary<string, string> regions = Regions();
        MatchCollection blocks = CSharpBlock().Matches(text);
        Assert.NotEmpty(blocks);
        foreach (Match block in blocks)
        {
            Assert.True(block.Groups["name"].Success, $"{readme}: a C# block is not a snippet:\n{block.Groups["code"].Value}");
            string name = block.Groups["name"].Value;
            Assert.True(regions.ContainsKey(name), $"{readme}: no region '{name}' in Snippets/.");
            Assert.Equal(regions[name], block.Groups["code"].Value.TrimEnd('\n'));
        }
    }

    [Fact]
    public void The_packed_READMEs_hide_their_snippet_markers_without_HTML()
    {
        foreach (string readme in ReadmeFiles.Where(r => r.StartsWith("src/", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain("<!--", File.ReadAllText(Path.Combine(RepositoryRoot, readme)), StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> Regions()
    {
        var regions = new Dictionary<string, string>();
        foreach (string file in Directory.GetFiles(Path.Combine(RepositoryRoot, "tests", "VisPruner.SemanticKernel.IntegrationTests", "Snippets"), "*.cs"))
        {
            foreach (Match region in Region().Matches(File.ReadAllText(file).ReplaceLineEndings("\n")))
            {
                string[] lines = region.Groups["body"].Value.TrimEnd('\n').Split('\n');
                int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
                regions.Add(region.Groups["name"].Value, string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())));
            }
        }

        return regions;
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "VisPruner.SemanticKernel.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (VisPruner.SemanticKernel.sln) is not above the test's folder.");
    }

    [GeneratedRegex(@"(?:(?:<!-- snippet: (?<name>[\w-]+) -->|\[//\]: # \(snippet: (?<name>[\w-]+)\))\n)?```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"#region (?<name>[\w-]+)\n(?<body>.*?)[ \t]*#endregion", RegexOptions.Singleline)]
    private static partial Regex Region();
}
