using VisPruner.Engine.Pruning;
using VisPruner.Scenes;

namespace VisPruner.Cli.Evaluation;

/// <summary>VisPruner's accuracy minus another selector's at one budget, on the same questions, overall and per question type.</summary>
/// <param name="Budget">Content tokens kept per image.</param>
/// <param name="Other">The selector VisPruner is compared with.</param>
/// <param name="Overall">The difference over every question.</param>
/// <param name="ByType">The difference per question type.</param>
internal sealed record SelectorComparison(int Budget, VisualTokenSelectorKind Other, Estimate Overall, IReadOnlyDictionary<QuestionType, Estimate> ByType)
{
    /// <summary>
    /// Compares VisPruner with every other evaluated selector at every budget where both ran (paired bootstrap: each
    /// setting answered the same questions in the same order).
    /// </summary>
    public static IReadOnlyList<SelectorComparison> CompareVisPruner(IReadOnlyList<EvalRecord> records)
    {
        Dictionary<EvalSetting, EvalRecord[]> bySetting = records.GroupBy(r => r.Setting).ToDictionary(g => g.Key, g => g.ToArray());
        var comparisons = new List<SelectorComparison>();
        foreach ((EvalSetting setting, EvalRecord[] ours) in bySetting.Where(p => p.Key.Selector == VisualTokenSelectorKind.VisPruner).OrderByDescending(p => p.Key.Budget))
        {
            foreach ((EvalSetting other, EvalRecord[] theirs) in bySetting.Where(p => p.Key.Budget == setting.Budget && p.Key.Selector != VisualTokenSelectorKind.VisPruner))
            {
                if (!ours.Select(r => r.Question).SequenceEqual(theirs.Select(r => r.Question)))
                {
                    throw new InvalidOperationException($"{setting.SelectorLabel} and {other.SelectorLabel} at {setting.BudgetLabel} answered different questions.");
                }

                comparisons.Add(new SelectorComparison(
                    setting.Budget!.Value,
                    other.Selector,
                    Difference(ours, theirs, _ => true),
                    ours.Select(r => r.Question.Type).Distinct().Order().ToDictionary(t => t, t => Difference(ours, theirs, r => r.Question.Type == t))));
            }
        }

        return comparisons;
    }

    private static Estimate Difference(EvalRecord[] ours, EvalRecord[] theirs, Func<EvalRecord, bool> include)
    {
        bool[] kept = [.. ours.Select(include)];
        return Bootstrap.PairedDifference([.. ours.Where((_, i) => kept[i]).Select(r => r.Correct)], [.. theirs.Where((_, i) => kept[i]).Select(r => r.Correct)]);
    }
}
