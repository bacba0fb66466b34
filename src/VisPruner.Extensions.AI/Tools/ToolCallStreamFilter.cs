using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Tools;

/// <summary>
/// Keeps tool-call markup out of streamed text: text is passed on until a call block opens, and everything from there on
/// is held for the reply parser. Where the family's tags are tokens, only the opening token opens a block, so text (even
/// text that spells the tag) is passed on at once. Otherwise the block opens at the opening text, and a piece ending in
/// what may be the start of it is held back until the next piece settles it. Not thread-safe: one filter per response.
/// </summary>
internal sealed class ToolCallStreamFilter(ToolCallMarkup markup)
{
    private readonly List<GenerationUpdate> _held = [];
    private string _pending = string.Empty;
    private bool _inMarkup;

    /// <summary>Takes a generated update and returns the text that may be shown now.</summary>
    public string Push(GenerationUpdate update)
    {
        if (_inMarkup || markup.IsOpeningToken(update))
        {
            _inMarkup = true;
            _held.Add(update);
            return string.Empty;
        }

        if (markup.Tokens is not null)
        {
            return update.Text;
        }

        string text = _pending.Length == 0 ? update.Text : _pending + update.Text;
        int open = text.IndexOf(markup.Open, StringComparison.Ordinal);
        if (open >= 0)
        {
            _inMarkup = true;
            _pending = string.Empty;
            _held.Add(new GenerationUpdate(text[open..]));
            return text[..open];
        }

        int partial = PartialMarkerLength(text);
        _pending = text[^partial..];
        return text[..^partial];
    }

    /// <summary>Ends the stream.</summary>
    /// <returns>The text still to show, and the updates from the first call block to the end (none when there was none).</returns>
    public (string Text, IReadOnlyList<GenerationUpdate> Markup) Complete()
    {
        string text = _inMarkup ? string.Empty : _pending;
        _pending = string.Empty;
        return (text, [.. _held]);
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
