namespace VisPruner.Tokenizers.Normalizers;

internal sealed class SequenceNormalizer(IReadOnlyList<Normalizer> normalizers) : Normalizer
{
    public override ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text)
    {
        foreach (var normalizer in normalizers)
        {
            text = normalizer.Normalize(text);
        }

        return text;
    }
}
