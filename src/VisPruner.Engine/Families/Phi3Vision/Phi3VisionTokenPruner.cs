using VisPruner.Engine.Pruning;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.Selection;

namespace VisPruner.Engine.Phi3Vision;

/// <summary>
/// Chooses which feature rows of a Phi-3.5-vision image reach the decoder. Every content row is a merged 2 x 2 patch of
/// one crop (the global view is crop 0, sub-crops follow row-major, as in <c>pixel_values</c>). The selector sees either
/// all content tokens of the image at once or, per crop, that crop's 144 tokens with its share of the budget;
/// separators follow the rows they end.
/// </summary>
internal static class Phi3VisionTokenPruner
{
    public const int TokensPerCrop = Phi3VisionImageLayout.TokensPerCropSide * Phi3VisionImageLayout.TokensPerCropSide;
    private const int Side = Phi3VisionImageLayout.TokensPerCropSide;

    /// <summary>Returns the kept rows of <paramref name="image"/>, ascending.</summary>
    public static int[] SelectRows(EncodedImage image, int hidden, VisualTokenPruningOptions options)
    {
        Phi3VisionImageLayout layout = image.Layout;
        int rows = layout.NumImageTokens;
        int crops = layout.CropCount + 1;
        int content = crops * TokensPerCrop;
        int budget = options.Selector == VisualTokenSelectorKind.None ? content : options.BudgetFor(content);
        if (budget >= content)
        {
            return [.. Enumerable.Range(0, rows)];
        }

        int[] rowOf = ContentRows(layout);
        IVisualTokenSelector selector = ContentSelection.CreateSelector(options);
        var kept = new bool[rows];
        if (options.SelectPerCrop)
        {
            int[] perCrop = SplitBudget(budget, crops, options.GlobalViewShare);
            for (int crop = 0; crop < crops; crop++)
            {
                Select(image, hidden, options, selector, rowOf.AsSpan(crop * TokensPerCrop, TokensPerCrop), crop * TokensPerCrop, perCrop[crop], kept);
            }
        }
        else
        {
            Select(image, hidden, options, selector, rowOf, 0, budget, kept);
        }

        KeepSeparators(layout, kept, options.KeepAllSeparators);
        return [.. Enumerable.Range(0, rows).Where(i => kept[i])];
    }

    /// <summary>
    /// Selects <paramref name="budget"/> of the content tokens whose rows are <paramref name="rowOf"/> (in crop-major,
    /// raster order, starting at content token <paramref name="first"/>) and marks their rows.
    /// </summary>
    private static void Select(
        EncodedImage image, int hidden, VisualTokenPruningOptions options, IVisualTokenSelector selector, ReadOnlySpan<int> rowOf, int first, int budget, bool[] kept)
    {
        // Crops stack vertically as 12-wide grids, so the uniform selector spreads over every crop.
        ReadOnlySpan<float> attention = image.CropImportance is { } cls ? cls.AsSpan(first, rowOf.Length) : default;
        ContentSelection.Select(selector, image.Features, hidden, rowOf, attention, options, Side, budget, kept);
    }

    /// <summary>Splits the budget over crops: in proportion to their (equal) token counts, or with a share reserved for the global view.</summary>
    internal static int[] SplitBudget(int budget, int crops, double? globalShare)
    {
        var perCrop = new int[crops];
        int global = globalShare is double share && crops > 1
            ? Math.Min(TokensPerCrop, (int)Math.Round(share * budget))
            : (budget / crops) + (budget % crops > 0 ? 1 : 0);
        perCrop[0] = Math.Min(global, budget);
        int rest = budget - perCrop[0];
        for (int crop = 1; crop < crops; crop++)
        {
            int remaining = crops - crop;
            perCrop[crop] = Math.Min(TokensPerCrop, (rest + remaining - 1) / remaining);
            rest -= perCrop[crop];
        }

        // Sub-crops full: the rest goes back to the global view (only reachable with a small global share).
        perCrop[0] += rest;
        return perCrop;
    }

    /// <summary>Maps (crop, merged position) to the feature row that holds it.</summary>
    private static int[] ContentRows(Phi3VisionImageLayout layout)
    {
        var rowOf = new int[(layout.CropCount + 1) * TokensPerCrop];
        for (int i = 0; i < layout.NumImageTokens; i++)
        {
            Phi3VisionToken token = layout.GetToken(i);
            if (token.Kind == Phi3VisionTokenKind.SubImagePatch)
            {
                int crop = 1 + (token.Row / Side * layout.CropColumns) + (token.Column / Side);
                rowOf[(crop * TokensPerCrop) + (token.Row % Side * Side) + (token.Column % Side)] = i;
            }
            else if (token.Kind == Phi3VisionTokenKind.GlobalPatch)
            {
                rowOf[(token.Row * Side) + token.Column] = i;
            }
        }

        return rowOf;
    }

    private static void KeepSeparators(Phi3VisionImageLayout layout, bool[] kept, bool keepAll)
    {
        var subRowKept = new bool[layout.SubImageTokenRows];
        var globalRowKept = new bool[Side];
        for (int i = 0; i < kept.Length; i++)
        {
            Phi3VisionToken token = layout.GetToken(i);
            if (kept[i] && token.Kind == Phi3VisionTokenKind.SubImagePatch)
            {
                subRowKept[token.Row] = true;
            }
            else if (kept[i] && token.Kind == Phi3VisionTokenKind.GlobalPatch)
            {
                globalRowKept[token.Row] = true;
            }
        }

        for (int i = 0; i < kept.Length; i++)
        {
            Phi3VisionToken token = layout.GetToken(i);
            kept[i] |= token.Kind switch
            {
                Phi3VisionTokenKind.GlobalSeparator => true,
                Phi3VisionTokenKind.SubImageRowSeparator => keepAll || subRowKept[token.Row],
                Phi3VisionTokenKind.GlobalRowSeparator => keepAll || globalRowKept[token.Row],
                _ => false,
            };
        }
    }
}
