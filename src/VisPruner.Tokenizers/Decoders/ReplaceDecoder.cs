using System.Text.RegularExpressions;
using VisPruner.Tokenizers.Normalizers;

namespace VisPruner.Tokenizers.Decoders;

internal sealed class ReplaceDecoder(string? literal, Regex? regex, string content) : Decoder
{
    public override void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            tokens[i] = ReplaceNormalizer.Replace(tokens[i], literal, regex, content);
        }
    }
}
