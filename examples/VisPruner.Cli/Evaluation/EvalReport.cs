using System.Globalization;
using System.Text;
using VisPruner.Scenes;
using VisPruner.Engine.Pruning;

namespace VisPruner.Cli.Evaluation;

/// <summary>The evaluation's Markdown tables: accuracy, visual tokens and time to first token by selector and budget, and accuracy per question type.</summary>
internal static class EvalReport
{
    public static string Markdown(IReadOnlyList<SettingSummary> summaries, int questions, int images, string dataLabel)
    {
        string[] budgets = [.. summaries.Select(s => s.Setting.BudgetLabel).Distinct()];
        VisualTokenSelectorKind[] selectors = [.. summaries.Select(s => s.Setting.Selector).Where(s => s != VisualTokenSelectorKind.None).Distinct()];
        SettingSummary? baseline = summaries.FirstOrDefault(s => s.Setting.Budget is null);
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Data: {dataLabel}: {questions} questions about {images} images. Budgets are content tokens kept per image; \"all\" is the unpruned model."));
        text.AppendLine();
        Table(text, "Exact-match accuracy", "selector", budgets, selectors, summaries, baseline, s => Invariant($"{100 * s.Accuracy:F1}%"));
        Table(text, "Mean visual tokens per image (content tokens and the row separators kept with them)", "selector", budgets, selectors, summaries, baseline, s => Invariant($"{s.MeanVisualTokens:F0}"));
        Table(text, "Mean time to first token, ms (vision features cached: selection, prefill and the first decode step)", "selector", budgets, selectors, summaries, baseline, s => Invariant($"{s.MeanTimeToFirstTokenMs:F1}"));

        QuestionType[] types = [.. summaries.SelectMany(s => s.AccuracyByType.Keys).Distinct().Order()];
        text.AppendLine("Accuracy per question type");
        text.AppendLine();
        text.AppendLine("| selector | budget | " + string.Join(" | ", types.Select(t => t.ToString().ToLowerInvariant())) + " |");
        text.AppendLine("|---|---|" + string.Concat(types.Select(_ => "---:|")));
        foreach (SettingSummary s in summaries)
        {
            text.AppendLine($"| {s.Setting.SelectorLabel} | {s.Setting.BudgetLabel} | " +
                string.Join(" | ", types.Select(t => s.AccuracyByType.TryGetValue(t, out double a) ? Invariant($"{100 * a:F1}%") : "-")) + " |");
        }

        return text.ToString();
    }

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
