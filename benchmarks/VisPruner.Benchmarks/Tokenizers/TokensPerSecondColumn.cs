using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace VisPruner.Benchmarks.Tokenizers;

/// <summary>Throughput in tokens per second: the token count of <see cref="BenchmarkTokenizers.Text"/> divided by the mean time.</summary>
internal sealed class TokensPerSecondColumn : IColumn
{
    public string Id => nameof(TokensPerSecondColumn);

    public string ColumnName => "Tokens/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Tokens of the benchmark text processed per second";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNanoseconds is null or 0)
        {
            return "-";
        }

        var model = (string)benchmarkCase.Parameters["Model"];
        var tokens = BenchmarkTokenizers.Load(model).Encode(BenchmarkTokenizers.Text, addSpecialTokens: false).Length;
        return (tokens / (meanNanoseconds.Value / 1e9)).ToString("N0", CultureInfo.InvariantCulture);
    }
}
