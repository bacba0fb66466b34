using VisPruner.Tokenizers.PreTokenizers;

namespace VisPruner.Tokenizers.Decoders;

/// <summary>Turns '▁' back into spaces; in the first token it is dropped (it was the prepended one).</summary>
internal sealed class MetaspaceDecoder(char replacement, PrependScheme prependScheme) : Decoder
{
    public override void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            tokens[i] = i == 0 && prependScheme != PrependScheme.Never
                ? tokens[i].Replace(replacement.ToString(), string.Empty, StringComparison.Ordinal)
                : tokens[i].Replace(replacement, ' ');
        }
    }
}
