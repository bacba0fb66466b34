using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace VisPruner.Tokenizers.Models;

/// <summary>
/// Byte-pair encoding of one pre-tokenized word: start from single characters (or their UTF-8 byte tokens
/// when byte fallback is on), then repeatedly apply the lowest-ranked merge, leftmost first. Results for
/// short words are cached. Thread-safe: the model is immutable apart from its concurrent cache.
/// </summary>
internal sealed class BpeModel
{
    private const int MaxCachedWordLength = 256;
    private const int CacheCapacity = 10_000;
    private const char Metaspace = '\u2581';

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabBySpan;
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly int[] _bmpIds;
    private readonly int[]? _byteFallbackIds;
    private readonly int _unkId;
    private readonly bool _fuseUnk;
    private readonly bool _ignoreMerges;
    private readonly bool _splitBeforeMetaspace;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private int _cacheCount;

    [ThreadStatic]
    private static BpeWord? t_word;

    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, string? unkToken, bool fuseUnk, bool byteFallback, bool ignoreMerges)
    {
        _vocab = vocab;
        _vocabBySpan = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        _fuseUnk = fuseUnk;
        _ignoreMerges = ignoreMerges;
        _unkId = unkToken is null ? -1 : vocab.TryGetValue(unkToken, out var unk) ? unk
            : throw new InvalidDataException($"The BPE unk_token '{unkToken}' is not in the vocabulary.");

        // SentencePiece vocabularies (no pre-tokenizer: a whole text is one word) never put '▁' after another
        // character inside a token, so no merge crosses such a point and the word can be encoded (and cached)
        // piece by piece with the same result.
        _splitBeforeMetaspace = vocab.ContainsKey(Metaspace.ToString()) && !vocab.Keys.Any(HasMetaspaceAfterOtherChar);

        _bmpIds = new int[char.MaxValue + 1];
        Array.Fill(_bmpIds, -1);
        foreach (var (token, id) in vocab)
        {
            if (token.Length == 1)
            {
                _bmpIds[token[0]] = id;
            }
        }

        if (byteFallback)
        {
            _byteFallbackIds = new int[256];
            for (var b = 0; b < 256; b++)
            {
                _byteFallbackIds[b] = vocab.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
            }
        }

        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetValue(left, out var leftId) || !vocab.TryGetValue(right, out var rightId))
            {
                throw new InvalidDataException($"BPE merge #{rank} '{left} {right}' uses a token missing from the vocabulary.");
            }

            var pair = string.Concat(left, right);
            if (!vocab.TryGetValue(pair, out var newId))
            {
                throw new InvalidDataException($"BPE merge #{rank} '{left} {right}' produces '{pair}', which is missing from the vocabulary.");
            }

            // A repeated pair keeps its last rank, as in Hugging Face's loader.
            _merges[PairKey(leftId, rightId)] = (rank, newId);
        }
    }

    /// <summary>Appends the ids of <paramref name="word"/> to <paramref name="output"/>.</summary>
    public void Encode(ReadOnlySpan<char> word, List<int> output)
    {
        if (!_splitBeforeMetaspace)
        {
            EncodeWord(word, output);
            return;
        }

        var start = 0;
        for (var i = 1; i < word.Length; i++)
        {
            if (word[i] == Metaspace && word[i - 1] != Metaspace)
            {
                EncodeWord(word[start..i], output);
                start = i;
            }
        }

        EncodeWord(word[start..], output);
    }

    private void EncodeWord(ReadOnlySpan<char> word, List<int> output)
    {
        if (word.IsEmpty)
        {
            return;
        }

        if (_ignoreMerges && _vocabBySpan.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }

        var cacheable = word.Length < MaxCachedWordLength;
        if (cacheable && _cacheBySpan.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }

        var bpe = t_word ??= new BpeWord();
        bpe.Reset();
        AddInitialSymbols(word, bpe);
        bpe.MergeAll(_merges);
        var start = output.Count;
        bpe.AppendIds(output);

        if (cacheable && Volatile.Read(ref _cacheCount) < CacheCapacity
            && _cache.TryAdd(word.ToString(), CollectionsMarshal.AsSpan(output)[start..].ToArray()))
        {
            Interlocked.Increment(ref _cacheCount);
        }
    }

    /// <summary>The id of a vocabulary token, if present.</summary>
    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _vocabBySpan.TryGetValue(token, out id);

    /// <summary>Every vocabulary entry.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    internal static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    private static bool HasMetaspaceAfterOtherChar(string token)
    {
        for (var i = 1; i < token.Length; i++)
        {
            if (token[i] == Metaspace && token[i - 1] != Metaspace)
            {
                return true;
            }
        }

        return false;
    }

    private void AddInitialSymbols(ReadOnlySpan<char> word, BpeWord bpe)
    {
        var previousWasUnk = false;
        for (var position = 0; position < word.Length;)
        {
            Rune.DecodeFromUtf16(word[position..], out var rune, out var consumed);
            var text = word.Slice(position, consumed);
            position += consumed;

            var id = consumed == 1 ? _bmpIds[text[0]] : _vocabBySpan.TryGetValue(text, out var found) ? found : -1;
            if (id >= 0)
            {
                bpe.Add(id);
                previousWasUnk = false;
                continue;
            }

            if (_byteFallbackIds is not null && TryAddBytes(rune, bpe))
            {
                previousWasUnk = false;
                continue;
            }

            // Unknown character: the unk token (runs fused into one when asked), or dropped when there is none.
            if (_unkId >= 0 && !(_fuseUnk && previousWasUnk))
            {
                bpe.Add(_unkId);
            }

            previousWasUnk = _unkId >= 0;
        }
    }

    private bool TryAddBytes(Rune rune, BpeWord bpe)
    {
        Span<byte> bytes = stackalloc byte[4];
        var count = rune.EncodeToUtf8(bytes);
        for (var i = 0; i < count; i++)
        {
            if (_byteFallbackIds![bytes[i]] < 0)
            {
                return false;
            }
        }

        for (var i = 0; i < count; i++)
        {
            bpe.Add(_byteFallbackIds![bytes[i]]);
        }

        return true;
    }
}
