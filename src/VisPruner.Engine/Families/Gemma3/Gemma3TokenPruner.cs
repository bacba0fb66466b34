using VisPruner.Engine.Pruning;
using VisPruner.Imaging.Gemma3;

namespace VisPruner.Engine.Gemma3;

/// <summary>
/// Chooses which of a Gemma 3 image's 256 soft tokens reach the decoder: every row is a content token of one 16 x 16 grid
/// (no separators), and the selector sees them all, with the attention each token's 4 x 4 patches receive as importance.
/// </summary>
internal static class Gemma3TokenPruner
{
    private const int Tokens = Gemma3ImageProcessor.TokensPerImage;
    private static readonly int[] AllRows = [.. Enumerable.Range(0, Tokens)];

    /// <summary>The rows an image keeps: its budget, or all 256 unpruned.</summary>
    public static int KeptRows(VisualTokenPruningOptions options) =>
        options.Selector == VisualTokenSelectorKind.None ? Tokens : options.BudgetFor(Tokens);

    /// <summary>Returns the kept rows of <paramref name="image"/>, ascending.</summary>
    public static int[] SelectRows(Gemma3EncodedImage image, int hidden, VisualTokenPruningOptions options)
    {
        int budget = KeptRows(options);
        if (budget >= Tokens)
        {
            return [.. AllRows];
        }

        var kept = new bool[Tokens];
        ContentSelection.Select(
            ContentSelection.CreateSelector(options), image.Features, hidden, AllRows, image.Importance, options, Gemma3ImageProcessor.TokensPerSide, budget, kept);
        return [.. AllRows.Where(i => kept[i])];
    }
}
