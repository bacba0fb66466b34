using System.Buffers;

namespace VisPruner.Tokenizers.AddedTokens;

/// <summary>
/// Finds added tokens in text, leftmost-longest, and applies their single_word, lstrip and rstrip rules
/// the way Hugging Face's added vocabulary does. Immutable and thread-safe.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly Dictionary<string, AddedToken> _byPattern;
    private readonly Dictionary<string, AddedToken>.AlternateLookup<ReadOnlySpan<char>> _byPatternSpan;
    private readonly SearchValues<char> _firstChars;
    private readonly int[] _lengths;

    /// <param name="tokens">Tokens with the text each is matched by (the content, normalized for normalized tokens).</param>
    public AddedTokenMatcher(IEnumerable<(AddedToken Token, string Pattern)> tokens)
    {
        _byPattern = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        foreach (var (token, pattern) in tokens)
        {
            if (pattern.Length > 0)
            {
                _byPattern.TryAdd(pattern, token);
            }
        }

        _byPatternSpan = _byPattern.GetAlternateLookup<ReadOnlySpan<char>>();
        _firstChars = SearchValues.Create(_byPattern.Keys.Select(p => p[0]).Distinct().ToArray());
        _lengths = _byPattern.Keys.Select(p => p.Length).Distinct().OrderDescending().ToArray();
    }

    public bool IsEmpty => _byPattern.Count == 0;

    /// <summary>
    /// Splits <paramref name="text"/> into ordinary stretches (Token null) and matched tokens, in order,
    /// appended to <paramref name="segments"/> as (start, length, token) ranges of the text. With
    /// <paramref name="ignoreSpecial"/>, special tokens are left in the text (Hugging Face's encode_special_tokens).
    /// </summary>
    public void Split(ReadOnlySpan<char> text, List<(int Start, int Length, AddedToken? Token)> segments, bool ignoreSpecial = false)
    {
        var emittedUpTo = 0;
        var position = 0;
        while (position < text.Length)
        {
            var next = text[position..].IndexOfAny(_firstChars);
            if (next < 0)
            {
                break;
            }

            var start = position + next;
            if (!TryMatchAt(text, start, out var token, out var length))
            {
                position = start + 1;
                continue;
            }

            // Matching resumes right after the token itself, whatever rstrip absorbs.
            var stop = start + length;
            position = stop;
            if ((ignoreSpecial && token.Special) || (token.SingleWord && !IsWholeWord(text, start, stop)))
            {
                continue;
            }

            if (token.LeftStrip)
            {
                // Whitespace an earlier match already took stays with it.
                start = Math.Max(start - CountTrailingWhitespace(text[..start]), emittedUpTo);
            }

            if (token.RightStrip)
            {
                stop += CountLeadingWhitespace(text[stop..]);
            }

            if (start > emittedUpTo)
            {
                segments.Add((emittedUpTo, start - emittedUpTo, null));
            }

            segments.Add((start, stop - start, token));
            emittedUpTo = Math.Max(emittedUpTo, stop);
        }

        if (emittedUpTo < text.Length)
        {
            segments.Add((emittedUpTo, text.Length - emittedUpTo, null));
        }
    }

    private bool TryMatchAt(ReadOnlySpan<char> text, int start, out AddedToken token, out int length)
    {
        foreach (var candidate in _lengths)
        {
            if (start + candidate <= text.Length && _byPatternSpan.TryGetValue(text.Slice(start, candidate), out token!))
            {
                length = candidate;
                return true;
            }
        }

        token = null!;
        length = 0;
        return false;
    }

    private static bool IsWholeWord(ReadOnlySpan<char> text, int start, int stop) =>
        (start == 0 || !IsWordChar(text[start - 1])) && (stop == text.Length || !IsWordChar(text[stop]));

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static int CountTrailingWhitespace(ReadOnlySpan<char> text) => text.Length - text.TrimEnd().Length;

    private static int CountLeadingWhitespace(ReadOnlySpan<char> text) => text.Length - text.TrimStart().Length;
}
