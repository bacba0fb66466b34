namespace VisPruner.Engine.Generation;

/// <summary>
/// Finds stop sequences in streamed text. Text that could still become the start of a stop sequence is held back,
/// so a stop sequence never reaches the caller, even when it arrives split over several tokens.
/// </summary>
internal sealed class StopSequenceMatcher(IReadOnlyList<string> stopSequences)
{
    private readonly string[] _stops = [.. stopSequences.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)];
    private string _held = string.Empty;

    /// <summary>Adds decoded text; returns the text that is safe to emit now, and whether a stop sequence was reached.</summary>
    public (string Emit, bool Stopped) Append(string text)
    {
        if (_stops.Length == 0)
        {
            return (text, false);
        }

        string buffer = _held + text;
        int stopAt = -1;
        foreach (string stop in _stops)
        {
            int at = buffer.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (stopAt < 0 || at < stopAt))
            {
                stopAt = at;
            }
        }

        if (stopAt >= 0)
        {
            _held = string.Empty;
            return (buffer[..stopAt], true);
        }

        int keep = LongestSuffixThatStartsAStop(buffer);
        _held = buffer[^keep..];
        return (buffer[..^keep], false);
    }

    /// <summary>Returns the text still held back when generation ends without reaching a stop sequence.</summary>
    public string Flush()
    {
        string rest = _held;
        _held = string.Empty;
        return rest;
    }

    private int LongestSuffixThatStartsAStop(string buffer)
    {
        int longest = 0;
        foreach (string stop in _stops)
        {
            for (int length = Math.Min(stop.Length - 1, buffer.Length); length > longest; length--)
            {
                if (buffer.AsSpan(buffer.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
