using VisPruner.Scenes;

namespace VisPruner.Cli.Evaluation;

/// <summary>The figures of one setting: accuracy overall and per question type, mean time to first token, mean visual tokens.</summary>
internal sealed record SettingSummary(
    EvalSetting Setting, int Questions, double Accuracy, IReadOnlyDictionary<QuestionType, double> AccuracyByType, double MeanTimeToFirstTokenMs, double MeanVisualTokens);

/// <summary>Aggregates <see cref="EvalRecord"/>s per setting.</summary>
internal static class EvalSummary
{
    public static IReadOnlyList<SettingSummary> Summarize(IReadOnlyList<EvalRecord> records) =>
        [.. records.GroupBy(r => r.Setting).Select(g => new SettingSummary(
            g.Key,
            g.Count(),
            g.Average(r => r.Correct ? 1.0 : 0.0),
            g.GroupBy(r => r.Question.Type).OrderBy(t => t.Key).ToDictionary(t => t.Key, t => t.Average(r => r.Correct ? 1.0 : 0.0)),
            g.Average(r => r.TimeToFirstTokenMs),
            g.Average(r => (double)r.VisualTokens)))];
}
