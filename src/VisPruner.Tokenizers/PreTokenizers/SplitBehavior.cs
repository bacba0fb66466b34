namespace VisPruner.Tokenizers.PreTokenizers;

/// <summary>What a split does with the matched delimiter (tokenizer.json's "behavior").</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}
