using VisPruner.Tokenizers.AddedTokens;
using VisPruner.Tokenizers.Decoders;
using VisPruner.Tokenizers.Loading;
using VisPruner.Tokenizers.Models;
using VisPruner.Tokenizers.Normalizers;
using VisPruner.Tokenizers.PostProcessors;
using VisPruner.Tokenizers.PreTokenizers;
using VisPruner.Tokenizers.Streaming;
using VisPruner.Tokenizers.Text;

namespace VisPruner.Tokenizers;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> BPE tokenizer (SentencePiece-style with byte fallback, or byte-level)
/// whose encode and decode match Hugging Face tokenizers token for token.
/// </summary>
/// <remarks>
/// Instances are immutable and thread-safe; encoding from many threads at once is supported. Once warm,
/// encoding into a caller-supplied list allocates nothing per token: byte-level tokenizers allocate nothing
/// at all for common text, SentencePiece normalizers (Prepend/Replace) one normalized copy per text segment.
/// </remarks>
public sealed class Tokenizer
{
    private readonly Normalizer? _normalizer;
    private readonly PreTokenizer? _preTokenizer;
    private readonly BpeModel _model;
    private readonly Decoder? _decoder;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;
    private readonly SpecialTokensTemplate _template;
    private readonly string?[] _idToToken;
    private readonly bool[] _isSpecial;
    private readonly Dictionary<string, int> _addedTokenIds;

    // Far above any real vocabulary; guards the id-indexed tables against corrupt files.
    private const int MaxTokenId = 16 * 1024 * 1024;

    [ThreadStatic]
    private static EncodeScratch? t_scratch;

    internal Tokenizer(TokenizerDefinition definition)
    {
        _normalizer = definition.Normalizer;
        _preTokenizer = definition.PreTokenizer;
        _model = definition.Model;
        _decoder = definition.Decoder;
        _template = definition.Template;
        AddedTokens = definition.AddedTokens;
        BosTokenId = definition.BosTokenId;
        EosTokenId = definition.EosTokenId;

        _addedTokenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var maxId = -1;
        foreach (var (_, id) in _model.Vocabulary)
        {
            maxId = Math.Max(maxId, id);
        }

        foreach (var token in AddedTokens)
        {
            maxId = Math.Max(maxId, token.Id);
            _addedTokenIds[token.Content] = token.Id;
        }

        if (maxId >= MaxTokenId || _model.Vocabulary.Values.Any(id => id < 0) || AddedTokens.Any(t => t.Id < 0))
        {
            throw new InvalidDataException($"Token ids must be between 0 and {MaxTokenId - 1}.");
        }

        _idToToken = new string?[maxId + 1];
        _isSpecial = new bool[maxId + 1];
        foreach (var (token, id) in _model.Vocabulary)
        {
            _idToToken[id] = token;
        }

        foreach (var token in AddedTokens)
        {
            _idToToken[token.Id] = token.Content;
            _isSpecial[token.Id] = token.Special;
        }

        _rawMatcher = new AddedTokenMatcher(AddedTokens.Where(t => !t.Normalized).Select(t => (t, t.Content)));
        _normalizedMatcher = new AddedTokenMatcher(AddedTokens.Where(t => t.Normalized).Select(t => (t, _normalizer is null ? t.Content : _normalizer.Normalize(t.Content).ToString())));
    }

    /// <summary>The tokens matched in text before the model runs (special tokens such as <c>&lt;|end|&gt;</c> among them).</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>The beginning-of-sequence token id from tokenizer_config.json, if any.</summary>
    public int? BosTokenId { get; }

    /// <summary>The end-of-sequence token id from tokenizer_config.json, if any.</summary>
    public int? EosTokenId { get; }

    /// <summary>One more than the largest token id (model vocabulary and added tokens).</summary>
    public int VocabularySize => _idToToken.Length;

    /// <summary>Loads a tokenizer from the text of a tokenizer.json and, optionally, of its tokenizer_config.json.</summary>
    /// <param name="tokenizerJson">The tokenizer.json content.</param>
    /// <param name="tokenizerConfigJson">The tokenizer_config.json content (supplies add_bos_token, add_eos_token and the BOS/EOS tokens), or null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizerJson"/> is null.</exception>
    /// <exception cref="InvalidDataException">The JSON is malformed or inconsistent.</exception>
    /// <exception cref="NotSupportedException">The tokenizer uses a component this library does not implement.</exception>
    public static Tokenizer FromJson(string tokenizerJson, string? tokenizerConfigJson = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        return new Tokenizer(TokenizerJsonLoader.Load(tokenizerJson, tokenizerConfigJson, "tokenizer.json"));
    }

    /// <summary>Loads <c>tokenizer.json</c> and, when present, <c>tokenizer_config.json</c> from a model folder.</summary>
    /// <param name="directory">The model folder.</param>
    /// <param name="cancellationToken">Cancels reading the files.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no tokenizer.json.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or inconsistent.</exception>
    /// <exception cref="NotSupportedException">The tokenizer uses a component this library does not implement.</exception>
    public static async Task<Tokenizer> FromDirectoryAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The model folder '{directory}' does not exist.");
        }

        var tokenizerPath = Path.Combine(directory, "tokenizer.json");
        if (!File.Exists(tokenizerPath))
        {
            throw new FileNotFoundException($"The model folder '{directory}' has no tokenizer.json.", tokenizerPath);
        }

        var configPath = Path.Combine(directory, "tokenizer_config.json");
        var tokenizerJson = await File.ReadAllTextAsync(tokenizerPath, cancellationToken).ConfigureAwait(false);
        var configJson = File.Exists(configPath) ? await File.ReadAllTextAsync(configPath, cancellationToken).ConfigureAwait(false) : null;
        return new Tokenizer(TokenizerJsonLoader.Load(tokenizerJson, configJson, tokenizerPath));
    }

    /// <summary>Encodes text into token ids.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addSpecialTokens">Whether to add the tokens the post-processor or tokenizer_config.json asks for (such as BOS).</param>
    /// <param name="parseSpecialTokens">Whether special token text (such as <c>&lt;|end|&gt;</c>) becomes the special token;
    /// pass false for untrusted text (user input, tool results) so it cannot forge turn markers.</param>
    /// <returns>The token ids.</returns>
    public int[] Encode(ReadOnlySpan<char> text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        Encode(text, ids, addSpecialTokens, parseSpecialTokens);
        return [.. ids];
    }

    /// <summary>Encodes text and appends the token ids to <paramref name="destination"/>; reuse the list to avoid allocations.</summary>
    /// <param name="text">The text.</param>
    /// <param name="destination">The list the ids are appended to.</param>
    /// <param name="addSpecialTokens">Whether to add the tokens the post-processor or tokenizer_config.json asks for (such as BOS).</param>
    /// <param name="parseSpecialTokens">Whether special token text (such as <c>&lt;|end|&gt;</c>) becomes the special token;
    /// pass false for untrusted text (user input, tool results) so it cannot forge turn markers.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    public void Encode(ReadOnlySpan<char> text, List<int> destination, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (addSpecialTokens)
        {
            destination.AddRange(_template.Prefix);
        }

        var scratch = t_scratch ??= new EncodeScratch();
        if (_rawMatcher.IsEmpty)
        {
            EncodeText(text, startsAtOrigin: true, destination, scratch, parseSpecialTokens);
        }
        else
        {
            var segments = scratch.RentSegments();
            _rawMatcher.Split(text, segments, ignoreSpecial: !parseSpecialTokens);
            foreach (var (start, length, token) in segments)
            {
                if (token is not null)
                {
                    destination.Add(token.Id);
                }
                else
                {
                    EncodeText(text.Slice(start, length), start == 0, destination, scratch, parseSpecialTokens);
                }
            }

            scratch.ReturnSegments(segments);
        }

        if (addSpecialTokens)
        {
            destination.AddRange(_template.Suffix);
        }
    }

    /// <summary>Decodes token ids into text; ids outside the vocabulary are ignored.</summary>
    /// <param name="ids">The token ids.</param>
    /// <param name="skipSpecialTokens">Whether to leave out special tokens (such as <c>&lt;|end|&gt;</c>).</param>
    /// <returns>The text.</returns>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var tokens = new List<string>(ids.Length);
        foreach (var id in ids)
        {
            if ((uint)id < (uint)_idToToken.Length && _idToToken[id] is { } token && !(skipSpecialTokens && _isSpecial[id]))
            {
                tokens.Add(token);
            }
        }

        if (_decoder is null)
        {
            return string.Join(' ', tokens);
        }

        _decoder.Decode(tokens);
        return string.Concat(tokens);
    }

    /// <summary>Starts an incremental decoder for a stream of generated ids (see <see cref="StreamingDecoder"/>).</summary>
    /// <param name="skipSpecialTokens">Whether to leave out special tokens.</param>
    /// <returns>A new decoder; it is not thread-safe, use one per stream.</returns>
    public StreamingDecoder CreateStreamingDecoder(bool skipSpecialTokens = false) => new(this, skipSpecialTokens);

    /// <summary>The id of a token (an added token or a vocabulary entry), or null when there is none.</summary>
    /// <param name="token">The token text, e.g. <c>&lt;|end|&gt;</c> or <c>▁Hello</c>.</param>
    /// <returns>The id, or null.</returns>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _addedTokenIds.TryGetValue(token, out var added) ? added : _model.TryGetId(token, out var id) ? id : null;
    }

    /// <summary>The token text of an id, or null when the id is unknown.</summary>
    /// <param name="id">The token id.</param>
    /// <returns>The token text, or null.</returns>
    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <summary>Whether <paramref name="id"/> is a special added token (skipped by <c>skipSpecialTokens</c>).</summary>
    /// <param name="id">The token id.</param>
    /// <returns>True for special tokens.</returns>
    public bool IsSpecialToken(int id) => (uint)id < (uint)_isSpecial.Length && _isSpecial[id];

    private void EncodeText(ReadOnlySpan<char> text, bool startsAtOrigin, List<int> destination, EncodeScratch scratch, bool parseSpecialTokens)
    {
        var normalized = _normalizer is null ? text : _normalizer.Normalize(text);
        if (_normalizedMatcher.IsEmpty)
        {
            EncodeNormalized(normalized, startsAtOrigin, destination, scratch);
            return;
        }

        var segments = scratch.RentSegments();
        _normalizedMatcher.Split(normalized, segments, ignoreSpecial: !parseSpecialTokens);
        foreach (var (start, length, token) in segments)
        {
            if (token is not null)
            {
                destination.Add(token.Id);
            }
            else
            {
                EncodeNormalized(normalized.Slice(start, length), startsAtOrigin && start == 0, destination, scratch);
            }
        }

        scratch.ReturnSegments(segments);
    }

    private void EncodeNormalized(ReadOnlySpan<char> text, bool startsAtOrigin, List<int> destination, EncodeScratch scratch)
    {
        if (_preTokenizer is null)
        {
            _model.Encode(text, destination);
            return;
        }

        scratch.Input.Clear();
        scratch.Input.StartsAtOrigin = startsAtOrigin;
        scratch.Input.Add(text);
        scratch.Output.Clear();
        _preTokenizer.PreTokenize(scratch.Input, scratch.Output);
        for (var i = 0; i < scratch.Output.Count; i++)
        {
            _model.Encode(scratch.Output[i], destination);
        }
    }

    /// <summary>Per-thread buffers of the encode path.</summary>
    private sealed class EncodeScratch
    {
        private readonly Stack<List<(int Start, int Length, AddedToken? Token)>> _segmentLists = new();

        public PieceBuffer Input { get; } = new();

        public PieceBuffer Output { get; } = new();

        // Raw and normalized splitting nest, so segment lists are handed out from a small pool.
        public List<(int Start, int Length, AddedToken? Token)> RentSegments() =>
            _segmentLists.TryPop(out var list) ? list : [];

        public void ReturnSegments(List<(int Start, int Length, AddedToken? Token)> list)
        {
            list.Clear();
            _segmentLists.Push(list);
        }
    }
}
