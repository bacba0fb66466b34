namespace VisPruner.Tokenizers.Decoders;

internal sealed class SequenceDecoder(IReadOnlyList<Decoder> decoders) : Decoder
{
    public override void Decode(List<string> tokens)
    {
        foreach (var decoder in decoders)
        {
            decoder.Decode(tokens);
        }
    }
}
