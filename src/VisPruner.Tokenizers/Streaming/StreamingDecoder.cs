namespace VisPruner.Tokenizers.Streaming;

/// <summary>
/// Decodes generated token ids one at a time and hands back only text that is complete: a character split
/// across byte tokens appears once all its bytes have arrived, and leading spaces come out exactly as the
/// full <see cref="Tokenizer.Decode"/> of the stream would produce them (no duplicated or lost '▁' spaces).
/// </summary>
/// <remarks>
/// Each step decodes a short window (the tokens of the previous emission plus the new ones) and emits what
/// the new tokens add to it, so decoders whose output depends on context (Strip, Metaspace, byte fallback)
/// behave as in a full decode. Not thread-safe: use one instance per stream.
/// </remarks>
public sealed class StreamingDecoder
{
    // A UTF-8 character has at most four bytes, each at least one token: after that many tokens in a row
    // ending in U+FFFD no character can complete any more, so the replacement character is genuine.
    private const int MaxIncompleteTokens = 4;
    private const char ReplacementChar = '\uFFFD';

    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _window = [];
    private int _contextCount;
    private string _context = string.Empty;
    private int _incompleteTokens;

    internal StreamingDecoder(Tokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Adds one generated token id.</summary>
    /// <param name="tokenId">The token id.</param>
    /// <returns>The newly completed text, or an empty string when the token does not complete any text yet.</returns>
    public string Push(int tokenId)
    {
        _window.Add(tokenId);
        var text = DecodeWindow();
        _incompleteTokens = text.Length > 0 && text[^1] == ReplacementChar ? _incompleteTokens + 1 : 0;
        if (text.Length <= _context.Length || _incompleteTokens is > 0 and < MaxIncompleteTokens)
        {
            return string.Empty;
        }

        _incompleteTokens = 0;
        return Emit(text);
    }

    /// <summary>Ends the stream: returns any text still held back (an incomplete character decodes as U+FFFD) and resets.</summary>
    /// <returns>The remaining text, possibly empty.</returns>
    public string Flush()
    {
        var text = DecodeWindow();
        var rest = text.Length > _context.Length ? Emit(text) : string.Empty;
        Reset();
        return rest;
    }

    /// <summary>Forgets the stream so the instance can decode a new one.</summary>
    public void Reset()
    {
        _window.Clear();
        _contextCount = 0;
        _context = string.Empty;
        _incompleteTokens = 0;
    }

    private string DecodeWindow() => _tokenizer.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_window), _skipSpecialTokens);

    private string Emit(string text)
    {
        // The window's text normally extends the context's; if a decoder rewrote it, emit only what differs.
        var common = text.AsSpan().CommonPrefixLength(_context);
        var added = text[common..];

        // The tokens just emitted become the context of the next step.
        _window.RemoveRange(0, _contextCount);
        _contextCount = _window.Count;
        _context = DecodeWindow();
        return added;
    }
}
