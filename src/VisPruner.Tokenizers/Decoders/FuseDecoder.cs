namespace VisPruner.Tokenizers.Decoders;

/// <summary>Joins all tokens into one, so later steps (Strip) see the whole text.</summary>
internal sealed class FuseDecoder : Decoder
{
    public override void Decode(List<string> tokens)
    {
        var fused = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(fused);
    }
}
