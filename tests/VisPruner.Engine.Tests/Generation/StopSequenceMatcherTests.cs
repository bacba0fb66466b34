using VisPruner.Engine.Generation;

namespace VisPruner.Engine.Tests.Generation;

public sealed class StopSequenceMatcherTests
{
    [Fact]
    public void Text_without_stop_sequences_passes_straight_through()
    {
        var matcher = new StopSequenceMatcher([]);
        Assert.Equal(("Hello", false), matcher.Append("Hello"));
    }

    [Fact]
    public void A_stop_sequence_split_over_pieces_is_never_emitted()
    {
        var matcher = new StopSequenceMatcher(["<|end|>"]);
        string emitted = string.Empty;
        bool stopped = false;
        foreach (string piece in new[] { "The cat", " sat<|", "en", "d|> and more" })
        {
            (string emit, stopped) = matcher.Append(piece);
            emitted += emit;
            if (stopped)
            {
                break;
            }
        }

        Assert.True(stopped);
        Assert.Equal("The cat sat", emitted);
    }

    [Fact]
    public void Held_back_text_is_released_when_it_stops_matching()
    {
        var matcher = new StopSequenceMatcher(["STOP"]);

        Assert.Equal(("a ", false), matcher.Append("a ST"));
        Assert.Equal(("STAR", false), matcher.Append("AR"));
        Assert.Equal(("x", false), matcher.Append("x"));
    }

    [Fact]
    public void The_earliest_of_several_stop_sequences_wins()
    {
        var matcher = new StopSequenceMatcher(["world", "lo w"]);
        Assert.Equal(("hel", true), matcher.Append("hello world"));
    }

    [Fact]
    public void Flush_returns_text_held_back_at_the_end()
    {
        var matcher = new StopSequenceMatcher(["###"]);
        Assert.Equal(("done", false), matcher.Append("done##"));
        Assert.Equal("##", matcher.Flush());
    }
}
