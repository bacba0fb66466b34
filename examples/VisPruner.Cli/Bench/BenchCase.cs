namespace VisPruner.Cli.Bench;

/// <summary>One row of the bench: a way to answer the same question, run several times.</summary>
internal sealed class BenchCase(string label, Func<Task<BenchSample>> run)
{
    public string Label { get; } = label;

    public Func<Task<BenchSample>> Run { get; } = run;

    public List<BenchSample> Samples { get; } = [];

    /// <summary>Gets or sets why the row could not run (its runtime refused the question); null when it ran.</summary>
    public string? Failure { get; set; }

    /// <summary>Medians of the runs, with the row's multiply-accumulate counts at bench and full size and its peak memory.</summary>
    public BenchRow Summarize(double multiplyAccumulates, double fullSizeMultiplyAccumulates, long peakMemoryBytes)
    {
        BenchSample first = Samples[0];
        return new BenchRow(
            Label,
            first.Crops,
            first.VisualTokens,
            first.PromptTokens,
            BenchCommand.Median(Samples.Select(s => s.TimeToFirstTokenMs)),
            BenchCommand.Median(Samples.Select(s => s.VisionMs)),
            BenchCommand.Median(Samples.Select(s => s.SelectionMs)),
            BenchCommand.Median(Samples.Select(s => s.PrefillMs)),
            BenchCommand.Median(Samples.Select(s => s.DecodeTokensPerSecond)),
            first.KvCacheBytes,
            peakMemoryBytes,
            multiplyAccumulates,
            fullSizeMultiplyAccumulates);
    }
}

/// <summary>One run's figures (NaN where a path cannot tell a stage apart).</summary>
internal sealed record BenchSample(
    int Crops, int VisualTokens, int PromptTokens, double TimeToFirstTokenMs, double VisionMs, double SelectionMs, double PrefillMs,
    double DecodeTokensPerSecond, long KvCacheBytes);

/// <summary>A row's medians, and the peak resident memory of a fresh process answering its question.</summary>
internal sealed record BenchRow(
    string Label, int Crops, int VisualTokens, int PromptTokens, double TimeToFirstTokenMs, double VisionMs, double SelectionMs, double PrefillMs,
    double DecodeTokensPerSecond, long KvCacheBytes, long PeakResidentBytes, double MultiplyAccumulates, double FullSizeMultiplyAccumulates);

/// <summary>The follow-up turn: time to first token of the first question, the follow-up continued and the follow-up fresh.</summary>
internal sealed record FollowUpResult(double FirstMs, double ContinuedMs, double FreshMs, int PromptTokens, int ReusedTokens);
