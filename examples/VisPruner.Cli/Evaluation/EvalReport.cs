using System.Globalization;
using System.Text;
using VisPruner.Scenes;
using VisPruner.Engine.Pruning;

namespace VisPruner.Cli.Evaluation;

/// <summary>The evaluation's Markdown tables: accuracy, visual tokens and time to first token by selector and budget, and accuracy per question type.</summary>
internal static class EvalReport
{
    public static string Markdown(IReadOnlyList<SettingSummary> summaries, IReadOnlyList<SelectorComparison> comparisons, int questions, int images, string dataLabel)
    {
        string[] budgets = [.. summaries.Select(s => s.Setting.BudgetLabel).Distinct()];
        VisualTokenSelectorKind[] selectors = [.. summaries.Select(s => s.Setting.Selector).Where(s => s != VisualTokenSelectorKind.None).Distinct()];
        if (selectors.Length == 0)
        {
            selectors = [VisualTokenSelectorKind.None]; // --budgets all: the unpruned model's row alone
        }

        SettingSummary? baseline = summaries.FirstOrDefault(s => s.Setting.Budget is null);
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Data: {dataLabel}: {questions} questions about {images} images. Budgets are content tokens kept per image; \"all\" is the unpruned model."));
        text.AppendLine();
        Table(text, Invariant($"Exact-match accuracy, with its 95% bootstrap interval ({Bootstrap.Resamples} resamples of the questions, seed {Bootstrap.Seed})"), "selector", budgets, selectors, summaries, baseline, s => s.Accuracy.Percent());
        Table(text, "Mean visual tokens per image (content tokens and the row separators kept with them)", "selector", budgets, selectors, summaries, baseline, s => Invariant($"{s.MeanVisualTokens:F0}"));
        Table(text, "Mean time to first token, ms (vision features cached: selection, prefill and the first decode step)", "selector", budgets, selectors, summaries, baseline, s => Invariant($"{s.MeanTimeToFirstTokenMs:F1}"));

        QuestionType[] types = [.. summaries.SelectMany(s => s.AccuracyByType.Keys).Distinct().Order()];
        text.AppendLine("Accuracy per question type (questions: " +
            string.Join(", ", types.Select(t => Invariant($"{Name(t)} {summaries[0].AccuracyByType.GetValueOrDefault(t).Count}"))) + ")");
        text.AppendLine();
        text.AppendLine("| selector | budget | " + string.Join(" | ", types.Select(Name)) + " |");
        text.AppendLine("|---|---|" + string.Concat(types.Select(_ => "---:|")));
        foreach (SettingSummary s in summaries)
        {
            text.AppendLine($"| {s.Setting.SelectorLabel} | {s.Setting.BudgetLabel} | " +
                string.Join(" | ", types.Select(t => s.AccuracyByType.TryGetValue(t, out Estimate a) ? a.Percent() : "-")) + " |");
        }

        text.AppendLine();
        Comparisons(text, comparisons, types);
        return text.ToString();
    }

    private static void Comparisons(StringBuilder text, IReadOnlyList<SelectorComparison> comparisons, QuestionType[] types)
    {
        if (comparisons.Count == 0)
        {
            return;
        }

        text.AppendLine("VisPruner minus each other selector, in percentage points, on the same questions (paired bootstrap, 95% interval; * where it excludes 0, a significant difference)");
        text.AppendLine();
        text.AppendLine("| budget | VisPruner minus | all questions | " + string.Join(" | ", types.Select(Name)) + " |");
        text.AppendLine("|---:|---|---:|" + string.Concat(types.Select(_ => "---:|")));
        foreach (SelectorComparison c in comparisons)
        {
            text.AppendLine(Invariant($"| {c.Budget} | {EvalSetting.SelectorName(c.Other)} | {c.Overall.Points()} | ") +
                string.Join(" | ", types.Select(t => c.ByType.TryGetValue(t, out Estimate d) ? d.Points() : "-")) + " |");
        }

        text.AppendLine();
        foreach (IGrouping<int, SelectorComparison> budget in comparisons.GroupBy(c => c.Budget))
        {
            string[] parts =
            [
                .. Clause("significantly better than", budget.Where(c => c.Overall.Low > 0)),
                .. Clause("significantly worse than", budget.Where(c => c.Overall.High < 0)),
                .. Clause("not significantly different from", budget.Where(c => !c.Overall.ExcludesZero)),
            ];
            text.AppendLine(Invariant($"- At {budget.Key} tokens, over all questions, VisPruner is {string.Join("; ", parts)}."));
        }

        text.AppendLine();
    }

    private static IEnumerable<string> Clause(string relation, IEnumerable<SelectorComparison> comparisons) =>
        comparisons.Any() ? [$"{relation} {string.Join(", ", comparisons.Select(c => EvalSetting.SelectorName(c.Other)))}"] : [];

    private static string Name(QuestionType type) => type.ToString().ToLowerInvariant();

    private static void Table(
        StringBuilder text, string title, string corner, string[] budgets, VisualTokenSelectorKind[] selectors,
        IReadOnlyList<SettingSummary> summaries, SettingSummary? baseline, Func<SettingSummary, string> cell)
    {
        text.AppendLine(title);
        text.AppendLine();
        text.AppendLine($"| {corner} | " + string.Join(" | ", budgets) + " |");
        text.AppendLine("|---|" + string.Concat(budgets.Select(_ => "---:|")));
        foreach (VisualTokenSelectorKind selector in selectors)
        {
            IEnumerable<string> cells = budgets.Select(budget =>
                budget == "all" && baseline is not null ? cell(baseline)
                : summaries.FirstOrDefault(s => s.Setting.Selector == selector && s.Setting.BudgetLabel == budget) is { } found ? cell(found) : "-");
            text.AppendLine($"| {EvalSetting.SelectorName(selector)} | " + string.Join(" | ", cells) + " |");
        }

        text.AppendLine();
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
