
namespace VisPruner.Scenes.Tests;

public sealed class ProgressBarTests
{
    [Fact]
    public void Redirected_output_gets_a_plain_line_per_tenth()
    {
        var writer = new StringWriter();
        using (var bar = new ProgressBar(writer, "eval", 40, interactive: false))
        {
            for (int i = 1; i <= 40; i++)
            {
                bar.Report(i);
            }

            bar.Complete();
        }

        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(11, lines.Length);
        Assert.StartsWith("eval [###...........................] 4/40", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("eval [##############################] 40/40", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_terminal_gets_one_line_redrawn_in_place()
    {
        var writer = new StringWriter();
        using (var bar = new ProgressBar(writer, "eval", 3, interactive: true))
        {
            bar.Report(3);
            bar.Complete();
        }

        Assert.Equal("\reval [##############################] 3/3 0 s" + Environment.NewLine, writer.ToString());
    }
}
