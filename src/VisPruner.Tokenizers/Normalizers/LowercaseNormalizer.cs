namespace VisPruner.Tokenizers.Normalizers;

internal sealed class LowercaseNormalizer : Normalizer
{
    public override ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text) => text.ToString().ToLowerInvariant();
}
