using System.Globalization;

namespace VisPruner.Cli.Evaluation;

/// <summary>A proportion (or a difference of two) with its 95% bootstrap interval.</summary>
/// <param name="Value">The point estimate, 0 to 1 (a difference: -1 to 1).</param>
/// <param name="Low">The interval's lower end.</param>
/// <param name="High">The interval's upper end.</param>
/// <param name="Count">The questions it is computed over.</param>
internal readonly record struct Estimate(double Value, double Low, double High, int Count)
{
    /// <summary>Gets a value indicating whether the interval excludes zero (for a difference: significant at 5%).</summary>
    public bool ExcludesZero => Low > 0 || High < 0;

    /// <summary>Formats a proportion as percent with its interval: <c>62.3% [58.4, 66.1]</c>.</summary>
    public string Percent() => string.Create(CultureInfo.InvariantCulture, $"{100 * Value:F1}% [{100 * Low:F1}, {100 * High:F1}]");

    /// <summary>Formats a difference in percentage points, starred when significant: <c>+4.2 [1.0, 7.5]*</c>.</summary>
    public string Points() =>
        string.Create(CultureInfo.InvariantCulture, $"{100 * Value:+0.0;-0.0;0.0} [{100 * Low:F1}, {100 * High:F1}]{(ExcludesZero ? "*" : string.Empty)}");
}
