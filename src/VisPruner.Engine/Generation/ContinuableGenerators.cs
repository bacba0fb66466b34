using Microsoft.ML.OnnxRuntimeGenAI;

namespace VisPruner.Engine.Generation;

/// <summary>
/// Finished generators kept for multi-turn reuse: a follow-up request whose prompt extends an earlier request's prompt
/// and reply (same images, same settings, a new question) continues that generator, so only the new tokens are
/// prefilled. A small, bounded set, least recently finished dropped first; used by one request at a time.
/// </summary>
internal sealed class ContinuableGenerators(int capacity) : IDisposable
{
    private readonly LinkedList<Entry> _entries = new();

    /// <summary>
    /// Takes the generator whose sequence is the longest proper prefix of <paramref name="ids"/> with the same images (extra
    /// inputs apply only to a generator's first prompt, so a new image needs a new generator) and settings, if any.
    /// </summary>
    public Entry? TakeLongestPrefix(ReadOnlySpan<int> ids, string imageIdentity, SearchSettings settings, int needsLength)
    {
        LinkedListNode<Entry>? best = null;
        for (LinkedListNode<Entry>? node = _entries.First; node is not null; node = node.Next)
        {
            Entry entry = node.Value;
            if (entry.Tokens.Length < ids.Length
                && entry.MaxLength >= needsLength
                && entry.Settings == settings
                && entry.ImageIdentity == imageIdentity
                && ids.StartsWith(entry.Tokens)
                && (best is null || entry.Tokens.Length > best.Value.Tokens.Length))
            {
                best = node;
            }
        }

        if (best is null)
        {
            return null;
        }

        _entries.Remove(best);
        return best.Value;
    }

    /// <summary>Keeps a finished generator, releasing the least recently finished beyond the capacity.</summary>
    public void Return(Entry entry)
    {
        _entries.AddFirst(entry);
        while (_entries.Count > capacity)
        {
            _entries.Last!.Value.Dispose();
            _entries.RemoveLast();
        }
    }

    public void Dispose()
    {
        foreach (Entry entry in _entries)
        {
            entry.Dispose();
        }

        _entries.Clear();
    }

    /// <summary>A finished generator and what its key/value cache holds.</summary>
    /// <param name="Generator">The generator (owns its GenAI state).</param>
    /// <param name="Tokens">Every token it has seen or produced, image placeholders included.</param>
    /// <param name="ImageIdentity">Which images and kept rows its placeholders stand for.</param>
    /// <param name="Settings">The decoding settings it was made with.</param>
    /// <param name="MaxLength">The sequence length it was made for.</param>
    /// <param name="Pins">Buffers GenAI reads that must outlive it.</param>
    internal sealed record Entry(Generator Generator, int[] Tokens, string ImageIdentity, SearchSettings Settings, int MaxLength, PinnedInputs? Pins)
    {
        /// <summary>Releases the generator, then the buffers it read.</summary>
        public void Dispose()
        {
            Generator.Dispose();
            Pins?.Dispose();
        }
    }
}
