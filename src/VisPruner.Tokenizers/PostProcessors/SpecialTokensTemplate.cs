namespace VisPruner.Tokenizers.PostProcessors;

/// <summary>The ids added around a single encoded sequence when special tokens are requested (BOS/EOS and the like).</summary>
internal sealed record SpecialTokensTemplate(int[] Prefix, int[] Suffix)
{
    public static SpecialTokensTemplate None { get; } = new([], []);
}
