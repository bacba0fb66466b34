namespace VisPruner.Tokenizers.Normalizers;

/// <summary>Prepends a fixed string to non-empty text (SentencePiece's leading '▁').</summary>
internal sealed class PrependNormalizer(string prefix) : Normalizer
{
    public override ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text) => text.IsEmpty ? text : string.Concat(prefix, text);
}
