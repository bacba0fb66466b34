namespace VisPruner.Tokenizers.Normalizers;

/// <summary>A text transformation applied before pre-tokenization (the "normalizer" of tokenizer.json).</summary>
internal abstract class Normalizer
{
    public abstract string Normalize(string text);
}
