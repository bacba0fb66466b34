using VisPruner.Tokenizers.Decoders;
using VisPruner.Tokenizers.Models;
using VisPruner.Tokenizers.Normalizers;
using VisPruner.Tokenizers.PostProcessors;
using VisPruner.Tokenizers.PreTokenizers;

namespace VisPruner.Tokenizers.Loading;

/// <summary>The parts of a tokenizer as read from tokenizer.json and tokenizer_config.json.</summary>
internal sealed record TokenizerDefinition(
    Normalizer? Normalizer,
    PreTokenizer? PreTokenizer,
    BpeModel Model,
    Decoder? Decoder,
    SpecialTokensTemplate Template,
    IReadOnlyList<AddedToken> AddedTokens,
    int? BosTokenId,
    int? EosTokenId);
