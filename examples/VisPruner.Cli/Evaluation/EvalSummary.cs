using VisPruner.Scenes;

namespace VisPruner.Cli.Evaluation;

/// <summary>The figures of one setting: accuracy overall and per question type (with intervals), mean time to first token, mean visual tokens.</summary>
internal sealed record SettingSummary(
    EvalSetting Setting, int Questions, Estimate Accuracy, IReadOnlyDictionary<QuestionType, Estimate> AccuracyByType, double MeanTimeToFirstTokenMs, double MeanVisualTokens);

/// <summary>Aggregates <see cref="EvalRecord"/>s per setting.</summary>
internal static class EvalSummary
{
    public static IReadOnlyList<SettingSummary> Summarize(IReadOnlyList<EvalRecord> records) =>
        [.. records.GroupBy(r => r.Setting).Select(g => new SettingSummary(
            g.Key,
            g.Count(),
            Bootstrap.Accuracy([.. g.Select(r => r.Correct)]),
            g.GroupBy(r => r.Question.Type).OrderBy(t => t.Key).ToDictionary(t => t.Key, t => Bootstrap.Accuracy([.. t.Select(r => r.Correct)])),
            g.Average(r => r.TimeToFirstTokenMs),
            g.Average(r => (double)r.VisualTokens)))];
}
