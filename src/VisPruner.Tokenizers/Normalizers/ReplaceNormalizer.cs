using System.Text.RegularExpressions;

namespace VisPruner.Tokenizers.Normalizers;

/// <summary>Replaces every occurrence of a literal string or a regular expression.</summary>
internal sealed class ReplaceNormalizer : Normalizer
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly string _content;

    public ReplaceNormalizer(string? literal, Regex? regex, string content)
    {
        _literal = literal;
        _regex = regex;
        _content = content;
    }

    public override string Normalize(string text) => Replace(text, _literal, _regex, _content);

    /// <summary>Shared with the Replace decoder, which has the same semantics.</summary>
    public static string Replace(string text, string? literal, Regex? regex, string content) =>
        literal is not null
            ? (literal.Length == 0 ? text : text.Replace(literal, content, StringComparison.Ordinal))
            : regex!.Replace(text, _ => content);
}
