namespace VisPruner.Tokenizers.Normalizers;

/// <summary>A text transformation applied before pre-tokenization (the "normalizer" of tokenizer.json).</summary>
internal abstract class Normalizer
{
    /// <summary>The normalized text: <paramref name="text"/> itself when nothing changes, so the common case allocates nothing.</summary>
    public abstract ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text);
}
