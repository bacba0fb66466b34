using VisPruner.Tokenizers.Text;

namespace VisPruner.Tokenizers.PreTokenizers;

/// <summary>Splits (and possibly rewrites) normalized text into the words the model encodes one by one.</summary>
internal abstract class PreTokenizer
{
    /// <summary>Reads every piece of <paramref name="input"/> and writes the resulting pieces to <paramref name="output"/>.</summary>
    public abstract void PreTokenize(PieceBuffer input, PieceBuffer output);
}
