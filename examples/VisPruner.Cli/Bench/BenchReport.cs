using System.Globalization;
using System.Text;
using VisPruner.Engine.DemoModels;

namespace VisPruner.Cli.Bench;

/// <summary>Writes bench results as a markdown table and an SVG bar chart of time to first token.</summary>
internal static class BenchReport
{
    public static string Markdown(IReadOnlyList<BenchRow> rows, TinyPhi3VisionOptions model, int scale, int runs, int cores)
    {
        BenchRow baseline = rows[0];
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Bench-scale phi3v (Phi-3.5-vision shapes with widths / {scale}: vision {model.VisionLayers} layers x {model.VisionHiddenSize}, decoder {model.DecoderLayers} layers x {model.HiddenSize}), one 2x2-crop image (757 visual tokens), 32 generated tokens, medians of {runs} runs after a warm-up, {cores} cores, CPU."));
        text.AppendLine();
        text.AppendLine("| content tokens kept | visual tokens | prompt tokens | time to first token | vs. unpruned | FLOP ratio | FLOP ratio, full-size Phi-3.5-vision | vision | selection | prefill | decode | KV cache | peak working set |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (BenchRow row in rows)
        {
            text.AppendLine(Invariant(
                $"| {row.Budget} | {row.VisualTokens} | {row.PromptTokens} | {row.TimeToFirstTokenMs:F0} ms | {row.TimeToFirstTokenMs / baseline.TimeToFirstTokenMs:F2} | {row.MultiplyAccumulates / baseline.MultiplyAccumulates:F2} | {row.FullSizeMultiplyAccumulates / baseline.FullSizeMultiplyAccumulates:F2} | {row.VisionMs:F0} ms | {row.SelectionMs:F2} ms | {row.PrefillMs:F0} ms | {row.DecodeTokensPerSecond:F1} tok/s | {row.KvCacheBytes / 1048576.0:F2} MiB | {row.PeakWorkingSetBytes / 1048576.0:F0} MiB |"));
        }

        return text.ToString();
    }

    public static string Chart(IReadOnlyList<BenchRow> rows)
    {
        const int barHeight = 28, gap = 12, left = 150, width = 480, top = 40;
        double max = rows.Max(r => r.TimeToFirstTokenMs);
        int height = top + (rows.Count * (barHeight + gap)) + 30;
        var svg = new StringBuilder();
        svg.AppendLine(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{left + width + 90}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"13\">"));
        svg.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.AppendLine(Invariant($"<text x=\"{left}\" y=\"22\" font-weight=\"bold\">Time to first token by visual tokens kept (vision encoder | selection + prefill)</text>"));
        for (int i = 0; i < rows.Count; i++)
        {
            BenchRow row = rows[i];
            int y = top + (i * (barHeight + gap));
            double vision = width * row.VisionMs / max;
            double rest = width * Math.Max(0, row.TimeToFirstTokenMs - row.VisionMs) / max;
            svg.AppendLine(Invariant($"<text x=\"{left - 8}\" y=\"{y + 19}\" text-anchor=\"end\">{(row.Budget == "all" ? "all (757)" : row.Budget)}</text>"));
            svg.AppendLine(Invariant($"<rect x=\"{left}\" y=\"{y}\" width=\"{vision:F1}\" height=\"{barHeight}\" fill=\"#90a4ae\"/>"));
            svg.AppendLine(Invariant($"<rect x=\"{left + vision:F1}\" y=\"{y}\" width=\"{rest:F1}\" height=\"{barHeight}\" fill=\"#1e88e5\"/>"));
            svg.AppendLine(Invariant($"<text x=\"{left + vision + rest + 6:F1}\" y=\"{y + 19}\">{row.TimeToFirstTokenMs:F0} ms</text>"));
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
