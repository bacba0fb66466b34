namespace VisPruner.Tokenizers.Decoders;

/// <summary>
/// One step of tokenizer.json's "decoder": rewrites the list of token strings in place. The decoded text
/// is the concatenation of the final list.
/// </summary>
internal abstract class Decoder
{
    public abstract void Decode(List<string> tokens);
}
