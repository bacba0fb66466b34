namespace VisPruner.Tokenizers.Streaming;

/// <summary>Placeholder.</summary>
public sealed class StreamingDecoder
{
    internal StreamingDecoder(Tokenizer tokenizer, bool skipSpecialTokens)
    {
        _ = tokenizer;
        _ = skipSpecialTokens;
    }
}
