using System.Text;

namespace VisPruner.Tokenizers.Normalizers;

/// <summary>
/// Unicode normalization (NFC, NFD, NFKC, NFKD). Uses the platform's Unicode data (ICU or NLS): an
/// application running with InvariantGlobalization cannot normalize, and non-normalized input then
/// passes through unchanged.
/// </summary>
internal sealed class UnicodeNormalizer(NormalizationForm form) : Normalizer
{
    public override ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text) =>
        Ascii.IsValid(text) || text.IsNormalized(form) ? text : text.ToString().Normalize(form);
}
