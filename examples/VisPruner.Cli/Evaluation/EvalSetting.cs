using System.Globalization;
using VisPruner.Engine.Pruning;

namespace VisPruner.Cli.Evaluation;

/// <summary>One pruning setting of an evaluation: a selector at a content-token budget per image, or no pruning.</summary>
/// <param name="Selector">The selector (<see cref="VisualTokenSelectorKind.None"/> for the unpruned baseline).</param>
/// <param name="Budget">Content tokens kept per image; null keeps all.</param>
internal sealed record EvalSetting(VisualTokenSelectorKind Selector, int? Budget)
{
    /// <summary>Gets the unpruned baseline.</summary>
    public static EvalSetting All { get; } = new(VisualTokenSelectorKind.None, null);

    /// <summary>Gets the budget's column label ("all" or the number).</summary>
    public string BudgetLabel => Budget?.ToString(CultureInfo.InvariantCulture) ?? "all";

    /// <summary>Gets the selector's display name.</summary>
    public string SelectorLabel => SelectorName(Selector);

    /// <summary>Gets the display name of a selector.</summary>
    public static string SelectorName(VisualTokenSelectorKind selector) => selector switch
    {
        VisualTokenSelectorKind.None => "none (all tokens)",
        VisualTokenSelectorKind.ClsAttentionTopK => "[CLS] top-k",
        _ => selector.ToString(),
    };

    /// <summary>Gets the engine options for this setting.</summary>
    /// <param name="importantRatio">VisPruner's important ratio.</param>
    public VisualTokenPruningOptions Pruning(double importantRatio) => Budget is int budget
        ? new VisualTokenPruningOptions { Selector = Selector, TokensPerImage = budget, ImportantRatio = importantRatio }
        : VisualTokenPruningOptions.Disabled;

    /// <summary>Gets the baseline plus every selector at every numeric budget.</summary>
    public static IReadOnlyList<EvalSetting> Grid(IEnumerable<VisualTokenSelectorKind> selectors, IEnumerable<int?> budgets)
    {
        int?[] budgetList = [.. budgets];
        var settings = new List<EvalSetting>();
        if (budgetList.Any(b => b is null))
        {
            settings.Add(All);
        }

        foreach (VisualTokenSelectorKind selector in selectors)
        {
            settings.AddRange(budgetList.OfType<int>().Select(b => new EvalSetting(selector, b)));
        }

        return settings;
    }
}
