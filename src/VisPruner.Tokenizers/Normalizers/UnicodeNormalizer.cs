using System.Text;

namespace VisPruner.Tokenizers.Normalizers;

/// <summary>
/// Unicode normalization (NFC, NFD, NFKC, NFKD). Uses the platform's Unicode data (ICU or NLS): an
/// application running with InvariantGlobalization cannot normalize, and non-normalized input then
/// passes through unchanged.
/// </summary>
internal sealed class UnicodeNormalizer(NormalizationForm form) : Normalizer
{
    public override ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text)
    {
        if (form == NormalizationForm.FormC ? IsSurelyNfc(text) : Ascii.IsValid(text))
        {
            return text;
        }

        return text.IsNormalized(form) ? text : text.ToString().Normalize(form);
    }

    /// <summary>
    /// A quick check without ICU (whose check allocates): text made only of characters that are NFC
    /// quick-check "Yes" with combining class 0 is already NFC. Covers Latin-1, kana, CJK ideographs,
    /// Hangul syllables, full-width forms and emoji; anything else takes the full check.
    /// </summary>
    private static bool IsSurelyNfc(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < '\u0300' || c is (>= '\u3000' and <= '\u3029') or (>= '\u3030' and <= '\u3098') or (>= '\u309B' and <= '\u30FF')
                or (>= '\u4E00' and <= '\u9FFF') or (>= '\uAC00' and <= '\uD7A3') or (>= '\uFF00' and <= '\uFFEF'))
            {
                continue;
            }

            // Emoji and pictographs (U+1F000..U+1FAFF) are surrogate pairs starting with U+D83C..U+D83E.
            if (c is >= '\uD83C' and <= '\uD83E' && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            return false;
        }

        return true;
    }
}
