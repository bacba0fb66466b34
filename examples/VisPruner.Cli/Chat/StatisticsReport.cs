using System.Globalization;
using VisPruner.Engine.Generation;

namespace VisPruner.Cli.Chat;

/// <summary>Prints a request's statistics.</summary>
internal static class StatisticsReport
{
    public static void Write(TextWriter output, GenerationResult result)
    {
        GenerationStatistics s = result.Statistics;
        string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + " ms";
        output.WriteLine();
        output.WriteLine($"finish reason       {result.FinishReason.ToString().ToLowerInvariant()}");
        output.WriteLine($"prompt tokens       {s.PromptTokens} ({s.VisualTokens} visual of {s.VisualTokensBeforePruning} produced)");
        output.WriteLine($"completion tokens   {s.CompletionTokens}");
        output.WriteLine($"images              preprocessing {Ms(s.ImagePreprocessingTime)}, vision encoder {Ms(s.VisionTime)}, cached {s.CachedImages}");
        output.WriteLine($"token selection     {Ms(s.PruningTime)}");
        output.WriteLine($"prefill             {Ms(s.PrefillTime)}");
        output.WriteLine($"time to first token {Ms(s.TimeToFirstToken)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decode              {Ms(s.DecodeTime)} ({s.DecodeTokensPerSecond:F1} tokens/s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak KV cache       {s.PeakKvCacheBytes / 1048576.0:F2} MiB"));
    }
}
