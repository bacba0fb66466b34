using System.Text.RegularExpressions;

namespace VisPruner.Tokenizers.Normalizers;

/// <summary>Replaces every occurrence of a literal string or a regular expression.</summary>
internal sealed class ReplaceNormalizer(string? literal, Regex? regex, string content) : Normalizer
{
    public override ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text)
    {
        var found = literal is not null ? literal.Length > 0 && text.Contains(literal, StringComparison.Ordinal) : regex!.IsMatch(text);
        return found ? Replace(text.ToString(), literal, regex, content) : text;
    }

    /// <summary>Shared with the Replace decoder, which has the same semantics.</summary>
    public static string Replace(string text, string? literal, Regex? regex, string content) =>
        literal is not null
            ? (literal.Length == 0 ? text : text.Replace(literal, content, StringComparison.Ordinal))
            : regex!.Replace(text, _ => content);
}
