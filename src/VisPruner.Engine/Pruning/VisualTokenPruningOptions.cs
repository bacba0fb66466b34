namespace VisPruner.Engine.Pruning;

/// <summary>
/// How many visual tokens of each image reach the language model, and how they are chosen. Set engine-wide on
/// <see cref="MultimodalEngineOptions.Pruning"/> and per request on <see cref="Generation.GenerationOptions.Pruning"/>.
/// </summary>
/// <remarks>
/// <para>
/// The budget counts content tokens (merged 2 x 2 patches) per image. By default the selector chooses among all of the
/// image's content tokens at once (global view and sub-crops together): VisPruner's duplicate removal needs a diverse
/// budget of a few dozen tokens to work as designed, which splitting 64 tokens over five crops would not leave. With
/// <see cref="SelectPerCrop"/>, the budget is instead spread over the crops (in proportion to their token counts, or with
/// <see cref="GlobalViewShare"/> reserved for the global view) and each crop is selected on its own, as LLaVA-NeXT does.
/// </para>
/// <para>
/// Separator rows (the learned newline after each token row, and the separator between sub-crops and global view) are
/// structure, not content: a row's separator is kept when the row keeps a token (or always, see
/// <see cref="KeepAllSeparators"/>), and the global separator is always kept. Kept rows stay in their original order.
/// </para>
/// <para>A budget that covers every token, or <see cref="VisualTokenSelectorKind.None"/>, gives exactly the unpruned prompt.</para>
/// </remarks>
public sealed record VisualTokenPruningOptions
{
    /// <summary>Gets no pruning: every visual token reaches the language model.</summary>
    public static VisualTokenPruningOptions Disabled { get; } = new() { Selector = VisualTokenSelectorKind.None };

    /// <summary>Gets the selector. Default: VisPruner.</summary>
    public VisualTokenSelectorKind Selector { get; init; } = VisualTokenSelectorKind.VisPruner;

    /// <summary>Gets the content tokens kept per image; when set it takes precedence over <see cref="TokenFraction"/>.</summary>
    public int? TokensPerImage { get; init; }

    /// <summary>
    /// Gets the share of each image's content tokens to keep, in (0, 1]. Default 0.25: VisPruner keeps 99.6% of
    /// LLaVA-1.5's accuracy at 22% of the tokens (128 of 576).
    /// </summary>
    public double TokenFraction { get; init; } = 0.25;

    /// <summary>Gets VisPruner's important ratio r: the share of the budget chosen by [CLS] attention alone. Default 0.5.</summary>
    public double ImportantRatio { get; init; } = 0.5;

    /// <summary>Gets a value indicating whether each crop is selected on its own with its share of the budget (default: all at once).</summary>
    public bool SelectPerCrop { get; init; }

    /// <summary>
    /// Gets, with <see cref="SelectPerCrop"/>, the share of the budget reserved for the global (whole-image) view, in [0, 1];
    /// null spreads the budget over all crops in proportion to their token counts.
    /// </summary>
    public double? GlobalViewShare { get; init; }

    /// <summary>Gets a value indicating whether every row separator is kept, even for rows that keep no token.</summary>
    public bool KeepAllSeparators { get; init; }

    /// <summary>
    /// Gets where token importance comes from. Default: the vision model's attention when it exposes it ([CLS] attention for
    /// phi3v, the attention each patch receives for phi4mm and gemma3).
    /// </summary>
    public ImportanceSignal Importance { get; init; } = ImportanceSignal.Auto;

    /// <summary>Gets the seed of <see cref="VisualTokenSelectorKind.Random"/>.</summary>
    public ulong RandomSeed { get; init; }

    /// <summary>Gets the content tokens to keep of an image that has <paramref name="contentTokens"/>.</summary>
    /// <param name="contentTokens">The image's content tokens (separators excluded).</param>
    /// <returns>The budget, from 1 to <paramref name="contentTokens"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public int BudgetFor(int contentTokens)
    {
        Validate();
        int budget = TokensPerImage ?? (int)Math.Ceiling(TokenFraction * contentTokens);
        return Math.Clamp(budget, 1, contentTokens);
    }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Problems().FirstOrDefault() is { Name: not null } problem)
        {
            throw new ArgumentOutOfRangeException(problem.Name, problem.Value, problem.Message);
        }
    }

    // Each message starts with the setting's name.
    internal IEnumerable<(string Name, object? Value, string Message)> Problems()
    {
        if (TokensPerImage is < 1)
        {
            yield return (nameof(TokensPerImage), TokensPerImage, $"TokensPerImage ({TokensPerImage}) must be at least 1.");
        }

        if (!(TokenFraction > 0 && TokenFraction <= 1))
        {
            yield return (nameof(TokenFraction), TokenFraction, $"TokenFraction ({TokenFraction}) must be in (0, 1].");
        }

        if (!(ImportantRatio >= 0 && ImportantRatio <= 1))
        {
            yield return (nameof(ImportantRatio), ImportantRatio, $"ImportantRatio ({ImportantRatio}) must be in [0, 1].");
        }

        if (GlobalViewShare is double share && !(share >= 0 && share <= 1))
        {
            yield return (nameof(GlobalViewShare), share, $"GlobalViewShare ({share}) must be in [0, 1].");
        }
    }
}

/// <summary>The token selectors the engine offers.</summary>
public enum VisualTokenSelectorKind
{
    /// <summary>No pruning.</summary>
    None,

    /// <summary>VisPruner: important tokens by [CLS] attention plus a diverse, de-duplicated subset.</summary>
    VisPruner,

    /// <summary>The tokens with the highest [CLS] attention (FasterVLM; VisPruner with r = 1).</summary>
    ClsAttentionTopK,

    /// <summary>Greedy max-min diversity of the features (DivPrune); needs no attention.</summary>
    DivPrune,

    /// <summary>An even lattice over each crop, ignoring content.</summary>
    Uniform,

    /// <summary>A seeded random subset.</summary>
    Random,
}

/// <summary>Where token importance comes from.</summary>
public enum ImportanceSignal
{
    /// <summary>
    /// The attention signal of <see cref="ClsAttention"/> when the vision model's attention can be read, else
    /// <see cref="FeatureNorm"/> (logged as a warning).
    /// </summary>
    Auto,

    /// <summary>
    /// The [CLS] token's attention in the layer whose features the model uses, summed over each merged token's 2 x 2
    /// patches; for encoders without a [CLS] token (the SigLIP of phi4mm and gemma3), the attention each patch receives there
    /// instead (averaged over heads and queries, then summed over phi4mm's 2 x 2 patches, averaged over gemma3's 4 x 4, as
    /// their projectors pool them). Loading fails if the vision model exposes no such attention.
    /// </summary>
    ClsAttention,

    /// <summary>The L2 norm of each token's feature row: needs nothing from inside the vision model.</summary>
    FeatureNorm,
}
