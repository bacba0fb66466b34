using System.Text;

namespace VisPruner.Extensions.AI.Tools;

/// <summary>
/// Keeps tool-call markup out of streamed text: text is passed on until the opening marker of a call block, and
/// everything from there on is held for the reply parser. A piece ending in what may be the start of the marker is held
/// back until the next piece settles it. Not thread-safe: one filter per response.
/// </summary>
internal sealed class ToolCallStreamFilter(ToolCallMarkup markup)
{
    private readonly StringBuilder _held = new();
    private string _pending = string.Empty;
    private bool _inMarkup;

    /// <summary>Takes a generated piece and returns the text that may be shown now.</summary>
    public string Push(string piece)
    {
        if (_inMarkup)
        {
            _held.Append(piece);
            return string.Empty;
        }

        string text = _pending.Length == 0 ? piece : _pending + piece;
        int open = text.IndexOf(markup.Open, StringComparison.Ordinal);
        if (open >= 0)
        {
            _inMarkup = true;
            _pending = string.Empty;
            _held.Append(text, open, text.Length - open);
            return text[..open];
        }

        int partial = PartialMarkerLength(text);
        _pending = text[^partial..];
        return text[..^partial];
    }

    /// <summary>Ends the stream.</summary>
    /// <returns>The text still to show, and the markup from the first call block to the end (empty when there was none).</returns>
    public (string Text, string Markup) Complete()
    {
        (string text, string held) = _inMarkup ? (string.Empty, _held.ToString()) : (_pending, string.Empty);
        _pending = string.Empty;
        return (text, held);
    }

    // The longest end of text that is a proper start of the opening marker.
    private int PartialMarkerLength(string text)
    {
        for (int length = Math.Min(markup.Open.Length - 1, text.Length); length > 0; length--)
        {
            if (text.AsSpan(text.Length - length).SequenceEqual(markup.Open.AsSpan(0, length)))
            {
                return length;
            }
        }

        return 0;
    }
}
