using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace VisPruner.Tokenizers.Text;

/// <summary>
/// Runs a .NET regular expression with code-point semantics. .NET matches UTF-16 units, so a class such as
/// \p{L} never matches a letter outside the BMP (CJK Extension B, math alphanumerics) the way the Rust
/// engines behind Hugging Face do. Text containing surrogate pairs is matched on a copy where each such
/// code point is one BMP stand-in of the same Unicode category, and match positions are mapped back.
/// </summary>
internal static class UnicodeRegex
{
    // IndexOfAnyInRange allocates on each call for char; SearchValues over the range does not.
    private static readonly SearchValues<char> Surrogates =
        SearchValues.Create(Enumerable.Range(0xD800, 0x800).Select(c => (char)c).ToArray());

    public static MatchEnumerator EnumerateMatches(Regex regex, ReadOnlySpan<char> text) =>
        !text.ContainsAny(Surrogates)
            ? new MatchEnumerator(regex.EnumerateMatches(text), null, null)
            : MatchEnumerator.ForSurrogates(regex, text);

    /// <summary>A BMP character with the same general category, chosen so it plays no special role in tokenizer patterns.</summary>
    private static char StandIn(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => 'A',
        UnicodeCategory.LowercaseLetter => 'a',
        UnicodeCategory.TitlecaseLetter => '\u01C5',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\u4E00',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u0488',
        UnicodeCategory.DecimalDigitNumber => '0',
        UnicodeCategory.LetterNumber => '\u2160',
        UnicodeCategory.OtherNumber => '\u00B2',
        UnicodeCategory.MathSymbol => '\u00AC',
        UnicodeCategory.CurrencySymbol => '\u00A2',
        UnicodeCategory.ModifierSymbol => '\u00B4',
        UnicodeCategory.ConnectorPunctuation => '\u203F',
        UnicodeCategory.DashPunctuation => '\u2010',
        UnicodeCategory.OpenPunctuation => '\u2045',
        UnicodeCategory.ClosePunctuation => '\u2046',
        UnicodeCategory.InitialQuotePunctuation => '\u00AB',
        UnicodeCategory.FinalQuotePunctuation => '\u00BB',
        UnicodeCategory.OtherPunctuation => '\u00A1',
        UnicodeCategory.Format => '\u00AD',
        UnicodeCategory.PrivateUse => '\uE000',
        UnicodeCategory.OtherNotAssigned => '\u0378',
        _ => '\u00A9', // OtherSymbol (emoji) and anything else
    };

    public ref struct MatchEnumerator
    {
        private Regex.ValueMatchEnumerator _inner;
        private readonly int[]? _offsets;
        private readonly char[]? _compact;

        internal MatchEnumerator(Regex.ValueMatchEnumerator inner, int[]? offsets, char[]? compact)
        {
            _inner = inner;
            _offsets = offsets;
            _compact = compact;
        }

        public (int Index, int Length) Current { get; private set; }

        internal static MatchEnumerator ForSurrogates(Regex regex, ReadOnlySpan<char> text)
        {
            // offsets[i] is where stand-in i starts in the original text; one extra entry marks the end.
            var compact = ArrayPool<char>.Shared.Rent(text.Length);
            var offsets = ArrayPool<int>.Shared.Rent(text.Length + 1);
            var length = 0;
            var position = 0;
            while (position < text.Length)
            {
                Rune.DecodeFromUtf16(text[position..], out var rune, out var consumed);
                compact[length] = rune.IsBmp ? text[position] : StandIn(Rune.GetUnicodeCategory(rune));
                offsets[length++] = position;
                position += consumed;
            }

            offsets[length] = text.Length;
            return new MatchEnumerator(regex.EnumerateMatches(compact.AsSpan(0, length)), offsets, compact);
        }

        public readonly MatchEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (!_inner.MoveNext())
            {
                if (_offsets is not null)
                {
                    ArrayPool<int>.Shared.Return(_offsets);
                    ArrayPool<char>.Shared.Return(_compact!);
                }

                return false;
            }

            var match = _inner.Current;
            if (_offsets is null)
            {
                Current = (match.Index, match.Length);
            }
            else
            {
                var start = _offsets[match.Index];
                Current = (start, _offsets[match.Index + match.Length] - start);
            }

            return true;
        }
    }
}
