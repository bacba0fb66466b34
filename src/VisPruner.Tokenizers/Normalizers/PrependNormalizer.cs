namespace VisPruner.Tokenizers.Normalizers;

/// <summary>Prepends a fixed string to non-empty text (SentencePiece's leading '▁').</summary>
internal sealed class PrependNormalizer(string prefix) : Normalizer
{
    public override string Normalize(string text) => text.Length == 0 ? text : string.Concat(prefix, text);
}
