using System.Globalization;
using System.Text;

namespace VisPruner.Cli.Bench;

/// <summary>Writes bench results as a markdown table, the targets' verdicts, and an SVG bar chart of time to first token.</summary>
internal static class BenchReport
{
    public static string Markdown(IReadOnlyList<BenchRow> rows, IEnumerable<BenchCase> failed, BenchRow baseline, FollowUpResult followUp, BenchTargets targets, int runs, int cores)
    {
        var text = new StringBuilder();
        text.AppendLine(targets.Model is { } model
            ? Invariant($"Bench-scale phi3v (Phi-3.5-vision shapes with widths / {targets.Scale}: vision {model.VisionLayers} layers x {model.VisionHiddenSize}, decoder {model.DecoderLayers} layers x {model.HiddenSize}), one image, {runs} runs after a warm-up (medians), {cores} cores, CPU. The folder's processor asks for {model.NumCrops} crops; ONNX Runtime GenAI's processor applies 16 whatever the folder says, so the engine is also run on the same weights with a 16-crop configuration to compare like with like.")
            : Invariant($"{targets.Description}, one image, {runs} runs after a warm-up (medians), {cores} cores, CPU. FLOP ratios need the model's shapes, which only the bench-scale phi3v model gives."));
        text.AppendLine();
        text.AppendLine("| path | crops | visual tokens | prompt tokens | time to first token | vs. engine unpruned | FLOP ratio | FLOP ratio, full-size Phi-3.5-vision | image preprocessing + vision | selection | prefill | decode | KV cache | peak resident memory (fresh process) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (BenchRow row in rows)
        {
            text.AppendLine(Invariant(
                $"| {row.Label} | {(row.Crops == 0 ? "-" : row.Crops)} | {row.VisualTokens} | {row.PromptTokens} | {row.TimeToFirstTokenMs:F0} ms | {row.TimeToFirstTokenMs / baseline.TimeToFirstTokenMs:F2} | {Ratio(row.MultiplyAccumulates, baseline.MultiplyAccumulates)} | {Ratio(row.FullSizeMultiplyAccumulates, baseline.FullSizeMultiplyAccumulates)} | {Ms(row.VisionMs)} | {Ms(row.SelectionMs, "F2")} | {Ms(row.PrefillMs)} | {row.DecodeTokensPerSecond:F1} tok/s | {row.KvCacheBytes / 1048576.0:F1} MiB | {row.PeakResidentBytes / 1048576.0:F0} MiB |"));
        }

        text.AppendLine();
        text.AppendLine("For ONNX Runtime GenAI's own path, the preprocessing column is its processor alone and the prefill column holds its vision encoder, embedding and prefill, which it runs as one step.");
        text.AppendLine();
        foreach (BenchCase row in failed)
        {
            text.AppendLine(Invariant($"- {row.Label} could not run: {row.Failure}"));
        }

        BenchRow? genAi = rows.SingleOrDefault(r => r.Label == BenchCommand.GenAiLabel);
        if (genAi is not null)
        {
            text.AppendLine(rows.FirstOrDefault(r => r.Label.StartsWith(BenchCommand.UnprunedLabel, StringComparison.Ordinal) && r.VisualTokens == genAi.VisualTokens) is { } same
                ? Invariant($"- Engine unpruned vs. ONNX Runtime GenAI at the same {genAi.VisualTokens} visual tokens: {same.TimeToFirstTokenMs:F0} ms vs. {genAi.TimeToFirstTokenMs:F0} ms time to first token ({(same.TimeToFirstTokenMs / genAi.TimeToFirstTokenMs) - 1:+0%;-0%}; target: at most 5% slower).")
                : Invariant($"- ONNX Runtime GenAI's processor gave {genAi.VisualTokens} visual tokens and the engine {baseline.VisualTokens} (GenAI applies 16 crops to phi3v whatever the folder says), so their times are not compared."));
        }

        if (rows.FirstOrDefault(r => r.Label.EndsWith(" 64 tokens", StringComparison.Ordinal)) is { } tight)
        {
            double ratio = tight.TimeToFirstTokenMs / baseline.TimeToFirstTokenMs, limit = tight.MultiplyAccumulates / baseline.MultiplyAccumulates;
            string times = Invariant($"time to first token {tight.TimeToFirstTokenMs:F0} ms: {ratio:F2}x of unpruned ({baseline.TimeToFirstTokenMs:F0} ms)");
            if (genAi is not null)
            {
                times += Invariant($", {tight.TimeToFirstTokenMs / genAi.TimeToFirstTokenMs:F2}x of ONNX Runtime GenAI's own path ({genAi.TimeToFirstTokenMs:F0} ms)");
            }

            text.AppendLine(double.IsNaN(limit)
                ? Invariant($"- Engine at 64 tokens ({tight.VisualTokens} visual): {times}.")
                : Invariant($"- Engine at 64 tokens ({tight.VisualTokens} visual): {times}; FLOP-ratio limit {limit:F2} ({(ratio / limit) - 1:+0%;-0%} from the limit; target within 10%)."));
        }

        // A generator continues only if the history re-encodes to the very tokens it generated; random weights' gibberish
        // (which a template may also trim) seldom does, so there is nothing to compare then.
        text.AppendLine(followUp.ReusedTokens == 0
            ? Invariant($"- Follow-up question ({followUp.PromptTokens} prompt tokens): no generator was continued, as the first answer did not re-encode to the tokens generated (random weights write gibberish); {followUp.ContinuedMs:F0} ms to first token, {followUp.FreshMs:F0} ms on a fresh generator.")
            : Invariant($"- Follow-up question ({followUp.PromptTokens} prompt tokens, {followUp.ReusedTokens} of them already in the continued generator's cache): {followUp.ContinuedMs:F0} ms to first token, against {followUp.FreshMs:F0} ms for the same follow-up on a fresh generator and {followUp.FirstMs:F0} ms for the first question ({followUp.ContinuedMs / followUp.FreshMs:P1} of the fresh follow-up; target at most 10%)."));
        return text.ToString();
    }

    public static string Chart(IReadOnlyList<BenchRow> rows)
    {
        const int barHeight = 28, gap = 12, left = 260, width = 460, top = 40;
        double max = rows.Max(r => r.TimeToFirstTokenMs);
        int height = top + (rows.Count * (barHeight + gap)) + 30;
        var svg = new StringBuilder();
        svg.AppendLine(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{left + width + 90}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"13\">"));
        svg.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.AppendLine(Invariant($"<text x=\"{left}\" y=\"22\" font-weight=\"bold\">Time to first token (image preprocessing + vision | selection + prefill)</text>"));
        for (int i = 0; i < rows.Count; i++)
        {
            BenchRow row = rows[i];
            int y = top + (i * (barHeight + gap));
            double vision = width * (double.IsNaN(row.VisionMs) ? 0 : row.VisionMs) / max;
            double rest = width * Math.Max(0, row.TimeToFirstTokenMs - (double.IsNaN(row.VisionMs) ? 0 : row.VisionMs)) / max;
            svg.AppendLine(Invariant($"<text x=\"{left - 8}\" y=\"{y + 19}\" text-anchor=\"end\">{row.Label} ({row.VisualTokens})</text>"));
            svg.AppendLine(Invariant($"<rect x=\"{left}\" y=\"{y}\" width=\"{vision:F1}\" height=\"{barHeight}\" fill=\"#90a4ae\"/>"));
            svg.AppendLine(Invariant($"<rect x=\"{left + vision:F1}\" y=\"{y}\" width=\"{rest:F1}\" height=\"{barHeight}\" fill=\"#1e88e5\"/>"));
            svg.AppendLine(Invariant($"<text x=\"{left + vision + rest + 6:F1}\" y=\"{y + 19}\">{row.TimeToFirstTokenMs:F0} ms</text>"));
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string Ratio(double value, double baseline) => double.IsNaN(value) ? "-" : (value / baseline).ToString("F2", CultureInfo.InvariantCulture);

    private static string Ms(double value, string format = "F0") => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture) + " ms";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
