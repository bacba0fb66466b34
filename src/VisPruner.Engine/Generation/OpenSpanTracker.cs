using System.Text;

namespace VisPruner.Engine.Generation;

/// <summary>
/// Follows whether a reply is inside one of its constraint's bounded spans (a tool-call block): by the tokens that open
/// and close a span when the delimiters are tokens, else by the text written so far. Used by one reply at a time.
/// </summary>
internal sealed class OpenSpanTracker(BoundedSpan span)
{
    private readonly StringBuilder _text = new();
    private bool _insideTokens;

    /// <summary>Adds one generated token and the text it completed.</summary>
    public void Add(int token, string text)
    {
        if (span.Tokens is { } tokens)
        {
            _insideTokens = token == tokens.Open || (_insideTokens && token != tokens.Close);
        }
        else
        {
            _text.Append(text);
        }
    }

    /// <summary>
    /// Gets a value indicating whether a span is open: after an opening delimiter with no closing one after it, and, with
    /// text delimiters, while the text ends with the start of an opening text (the next tokens decide whether a span begins).
    /// </summary>
    public bool IsOpen => span.Tokens is null ? TextIsOpen() : _insideTokens;

    private bool TextIsOpen()
    {
        string written = _text.ToString();
        int open = written.LastIndexOf(span.Open, StringComparison.Ordinal);
        if (open >= 0 && written.IndexOf(span.Close, open + span.Open.Length, StringComparison.Ordinal) < 0)
        {
            return true;
        }

        for (int length = Math.Min(span.Open.Length - 1, written.Length); length > 0; length--)
        {
            if (written.AsSpan(written.Length - length).SequenceEqual(span.Open.AsSpan(0, length)))
            {
                return true;
            }
        }

        return false;
    }
}
