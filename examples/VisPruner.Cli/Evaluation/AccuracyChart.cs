using System.Globalization;
using SkiaSharp;
using VisPruner.Engine.Pruning;

namespace VisPruner.Cli.Evaluation;

/// <summary>A PNG line chart of exact-match accuracy against the visual-token budget, one line per selector, with each point's 95% bootstrap interval drawn as a bar.</summary>
internal static class AccuracyChart
{
    private const int Width = 960, Height = 600, Left = 90, Right = 250, Top = 60, Bottom = 80;
    private const float TextScale = 2f;

    private static readonly Dictionary<VisualTokenSelectorKind, SKColor> Colors = new()
    {
        [VisualTokenSelectorKind.VisPruner] = new SKColor(214, 39, 40),
        [VisualTokenSelectorKind.ClsAttentionTopK] = new SKColor(255, 127, 14),
        [VisualTokenSelectorKind.DivPrune] = new SKColor(31, 119, 180),
        [VisualTokenSelectorKind.Uniform] = new SKColor(44, 160, 44),
        [VisualTokenSelectorKind.Random] = new SKColor(127, 127, 127),
    };

    /// <summary>Renders the chart; budgets run left to right from the smallest to "all" (no pruning).</summary>
    public static byte[] Render(IReadOnlyList<SettingSummary> summaries)
    {
        SettingSummary? baseline = summaries.FirstOrDefault(s => s.Setting.Budget is null);
        int?[] budgets = [.. summaries.Select(s => s.Setting.Budget).Distinct().OrderBy(b => b ?? int.MaxValue)];
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        float plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        float X(int index) => Left + (budgets.Length == 1 ? plotWidth / 2 : index * plotWidth / (budgets.Length - 1));
        float Y(double accuracy) => Top + (float)((1 - accuracy) * plotHeight);

        using var grid = new SKPaint { Color = new SKColor(225, 225, 225), StrokeWidth = 1, IsAntialias = true };
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 2, IsAntialias = true };
        for (int tick = 0; tick <= 10; tick++)
        {
            float y = Y(tick / 10.0);
            canvas.DrawLine(Left, y, Left + plotWidth, y, grid);
            string label = string.Create(CultureInfo.InvariantCulture, $"{tick * 10}%");
            PixelFont.Draw(canvas, label, Left - 12 - PixelFont.Measure(label, TextScale), y - (PixelFont.Height(TextScale) / 2), TextScale, SKColors.Black);
        }

        for (int i = 0; i < budgets.Length; i++)
        {
            string label = budgets[i]?.ToString(CultureInfo.InvariantCulture) ?? "all";
            PixelFont.Draw(canvas, label, X(i) - (PixelFont.Measure(label, TextScale) / 2), Top + plotHeight + 12, TextScale, SKColors.Black);
        }

        canvas.DrawLine(Left, Top + plotHeight, Left + plotWidth, Top + plotHeight, axis);
        canvas.DrawLine(Left, Top, Left, Top + plotHeight, axis);
        Centered(canvas, "exact-match accuracy and 95% intervals vs tokens kept", Left + (plotWidth / 2), 20);
        Centered(canvas, "content tokens kept per image", Left + (plotWidth / 2), Height - 36);

        // VisPruner last, so its line stays on top where lines coincide. Each selector's interval bars sit a few pixels
        // to the side of the budget so that overlapping intervals stay readable; the unpruned point's bar is drawn once.
        if (baseline is not null)
        {
            IntervalBar(canvas, X(budgets.Length - 1), baseline.Accuracy, Y, SKColors.Black);
        }

        var drawn = new List<(VisualTokenSelectorKind Selector, SKColor Color)>();
        foreach (((VisualTokenSelectorKind selector, SKColor color), int order) in Colors.Select((c, i) => (c, i)).Reverse())
        {
            float offset = (order - ((Colors.Count - 1) / 2f)) * 6;
            (float X, Estimate Accuracy, bool Pruned)[] points = [.. budgets.Select((budget, i) => (budget, i))
                .Select(p => (p.i, Summary: p.budget is null ? baseline : summaries.FirstOrDefault(s => s.Setting.Selector == selector && s.Setting.Budget == p.budget)))
                .Where(p => p.Summary is not null)
                .Select(p => (X(p.i), p.Summary!.Accuracy, p.Summary.Setting.Budget is not null))];
            if (points.Length <= (baseline is null ? 0 : 1))
            {
                continue; // the selector was not evaluated
            }

            using var line = new SKPaint { Color = color, StrokeWidth = selector == VisualTokenSelectorKind.VisPruner ? 4 : 2.5f, IsAntialias = true, Style = SKPaintStyle.Stroke };
            using var dot = new SKPaint { Color = color, IsAntialias = true };
            for (int i = 1; i < points.Length; i++)
            {
                canvas.DrawLine(points[i - 1].X, Y(points[i - 1].Accuracy.Value), points[i].X, Y(points[i].Accuracy.Value), line);
            }

            foreach ((float x, Estimate accuracy, bool pruned) in points)
            {
                if (pruned)
                {
                    IntervalBar(canvas, x + offset, accuracy, Y, color);
                }

                canvas.DrawCircle(x, Y(accuracy.Value), 5, dot);
            }

            drawn.Insert(0, (selector, color));
        }

        float legendY = Top;
        foreach ((VisualTokenSelectorKind selector, SKColor color) in drawn)
        {
            using var swatch = new SKPaint { Color = color };
            canvas.DrawRect(Width - Right + 24, legendY + 4, 24, 6, swatch);
            PixelFont.Draw(canvas, EvalSetting.SelectorName(selector), Width - Right + 56, legendY, TextScale, SKColors.Black);
            legendY += 28;
        }

        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    // A vertical bar from the interval's low to its high end, with short caps.
    private static void IntervalBar(SKCanvas canvas, float x, Estimate accuracy, Func<double, float> y, SKColor color)
    {
        using var paint = new SKPaint { Color = color.WithAlpha(200), StrokeWidth = 1.5f, IsAntialias = true, Style = SKPaintStyle.Stroke };
        float low = y(accuracy.Low), high = y(accuracy.High);
        canvas.DrawLine(x, low, x, high, paint);
        canvas.DrawLine(x - 4, low, x + 4, low, paint);
        canvas.DrawLine(x - 4, high, x + 4, high, paint);
    }

    private static void Centered(SKCanvas canvas, string text, float centreX, float top) =>
        PixelFont.Draw(canvas, text, centreX - (PixelFont.Measure(text, TextScale) / 2), top, TextScale, SKColors.Black);
}
