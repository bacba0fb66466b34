using VisPruner.Engine.Pruning;
using VisPruner.Imaging.Phi4Multimodal;
using VisPruner.Selection;

namespace VisPruner.Engine.Phi4Multimodal;

/// <summary>
/// Chooses which feature rows of a Phi-4-multimodal image reach the decoder. The content rows are 2 x 2-pooled patches:
/// the sub-crop canvas cut to its useful <c>r x c</c> tokens (each from one sub-crop), then the global view's 16 x 16; the
/// separators (<c>sub_GN</c> after every token row, <c>glb_GN</c> between the two) are structure and always kept. The
/// selector sees every content token at once or, per part, the global view and the sub-crop canvas with their shares of
/// the budget. Importance is the attention each token's patches receive in the crop it comes from.
/// </summary>
internal static class Phi4MultimodalTokenPruner
{
    private const int Side = Phi4MultimodalImageLayout.TokensPerCropSide;
    public const int TokensPerCrop = Side * Side;

    /// <summary>The content tokens of an image: the global view's and the useful sub-crop canvas's.</summary>
    public static int ContentTokens(Phi4MultimodalImageLayout layout) => TokensPerCrop + (layout.UsefulTokenRows * layout.UsefulTokenColumns);

    /// <summary>The rows an image keeps at least: its budget plus every separator.</summary>
    public static int FewestRows(Phi4MultimodalImageLayout layout, VisualTokenPruningOptions options)
    {
        int content = ContentTokens(layout);
        return options.Selector == VisualTokenSelectorKind.None ? layout.NumImageTokens : layout.NumImageTokens - content + options.BudgetFor(content);
    }

    /// <summary>Returns the kept rows of <paramref name="image"/>, ascending.</summary>
    public static int[] SelectRows(Phi4EncodedImage image, int hidden, VisualTokenPruningOptions options)
    {
        Phi4MultimodalImageLayout layout = image.Layout;
        int content = ContentTokens(layout);
        int budget = options.Selector == VisualTokenSelectorKind.None ? content : options.BudgetFor(content);
        if (budget >= content)
        {
            return [.. Enumerable.Range(0, layout.NumImageTokens)];
        }

        (int[] rowOf, float[]? attention) = ContentRows(image);
        IVisualTokenSelector selector = ContentSelection.CreateSelector(options);
        var kept = new bool[layout.NumImageTokens];
        int sub = content - TokensPerCrop;
        if (options.SelectPerCrop)
        {
            int global = Math.Min(TokensPerCrop, options.GlobalViewShare is double share
                ? (int)Math.Round(share * budget)
                : (int)Math.Round((double)budget * TokensPerCrop / content));
            global = Math.Max(global, budget - sub);
            Select(0, TokensPerCrop, Side, global);
            Select(TokensPerCrop, sub, layout.UsefulTokenColumns, budget - global);
        }
        else
        {
            // Two grids of different widths: no single lattice spans them, so the uniform selector sees a sequence.
            Select(0, content, 0, budget);
        }

        foreach (int separator in Separators(layout))
        {
            kept[separator] = true;
        }

        return [.. Enumerable.Range(0, kept.Length).Where(i => kept[i])];

        void Select(int first, int count, int gridWidth, int partBudget) => ContentSelection.Select(
            selector, image.Features, hidden, rowOf.AsSpan(first, count), attention is null ? default : attention.AsSpan(first, count),
            options, gridWidth, partBudget, kept);
    }

    /// <summary>
    /// The feature row of every content token, global view first (row-major), then the sub-crop canvas (row-major); and,
    /// when the vision model's attention was read, each one's importance: its crop's pooled received attention.
    /// </summary>
    internal static (int[] RowOf, float[]? Attention) ContentRows(Phi4EncodedImage image)
    {
        Phi4MultimodalImageLayout layout = image.Layout;
        int rows = layout.UsefulTokenRows, columns = layout.UsefulTokenColumns;
        int globalStart = (rows * (columns + 1)) + 1;
        var rowOf = new int[ContentTokens(layout)];
        float[]? attention = image.CropImportance is null ? null : new float[rowOf.Length];
        for (int t = 0; t < TokensPerCrop; t++)
        {
            rowOf[t] = globalStart + ((t / Side) * (Side + 1)) + (t % Side);
            attention?[t] = image.CropImportance![t];
        }

        int m = TokensPerCrop;
        for (int y = 0; y < rows; y++)
        {
            for (int x = 0; x < columns; x++, m++)
            {
                rowOf[m] = (y * (columns + 1)) + x;
                int crop = 1 + ((y / Side) * layout.CropColumns) + (x / Side);
                attention?[m] = image.CropImportance![(crop * TokensPerCrop) + ((y % Side) * Side) + (x % Side)];
            }
        }

        return (rowOf, attention);
    }

    // sub_GN after every sub-crop token row, glb_GN, sub_GN after every global token row.
    private static IEnumerable<int> Separators(Phi4MultimodalImageLayout layout)
    {
        int rows = layout.UsefulTokenRows, columns = layout.UsefulTokenColumns;
        int globalStart = (rows * (columns + 1)) + 1;
        for (int y = 0; y < rows; y++)
        {
            yield return (y * (columns + 1)) + columns;
        }

        yield return globalStart - 1;
        for (int y = 0; y < Side; y++)
        {
            yield return globalStart + (y * (Side + 1)) + Side;
        }
    }
}
