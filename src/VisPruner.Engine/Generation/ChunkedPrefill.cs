using System.Diagnostics;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace VisPruner.Engine.Generation;

/// <summary>
/// Appends a prompt to a generator in chunks, so a cancelled request stops between chunks and leaves the engine to the
/// next request sooner. (The caller does not wait for this: <see cref="MultimodalEngine.GenerateAsync"/> returns as soon
/// as it is cancelled, and the request's remaining native call finishes in the background, holding the engine's turn.)
/// ONNX Runtime GenAI 0.20 cannot interrupt a running append: its <c>terminate_session</c> does not stop a running
/// prefill (measured: the append runs to its end), and its <c>IsDone</c> aborts the process once that flag is set, so
/// the engine uses neither. Chunked appends give logits identical to one append (measured: no difference at all on the
/// demo models), so chunks are sized by time: about <see cref="TargetChunkTime"/> each, from the prefill speed measured
/// on earlier chunks.
/// </summary>
/// <remarks>
/// Everything up to the last image placeholder is one chunk, which nothing can interrupt: GenAI applies a generator's extra
/// inputs (the kept image rows) to its first append alone, and the embedding model places all of those rows in that run,
/// so a first append with only some of the placeholders fails, and a later append, or rows set after the first append,
/// gets no image rows at all (measured on GenAI 0.20). Pruning makes that chunk shorter. Used by one request at a time.
/// </remarks>
internal sealed class ChunkedPrefill
{
    /// <summary>The time one chunk should take: after its first append, a cancelled request frees the engine within about this.</summary>
    public static readonly TimeSpan TargetChunkTime = TimeSpan.FromMilliseconds(50);

    private const int MinChunk = 32;
    private const int MaxChunk = 2048;
    private double _tokensPerSecond = 1000;

    /// <summary>Appends <paramref name="ids"/> from <paramref name="from"/> on, everything before <paramref name="imagesEnd"/> at once.</summary>
    /// <exception cref="OperationCanceledException">Cancelled between two chunks.</exception>
    public void Append(Generator generator, int[] ids, int from, int imagesEnd, CancellationToken cancellationToken)
    {
        int position = from;
        while (position < ids.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int chunk = Math.Clamp((int)(_tokensPerSecond * TargetChunkTime.TotalSeconds), MinChunk, MaxChunk);
            int end = Math.Min(ids.Length, Math.Max(position + chunk, imagesEnd));
            long start = Stopwatch.GetTimestamp();
            generator.AppendTokens(ids.AsSpan(position, end - position));
            Learn(end - position, Stopwatch.GetElapsedTime(start));
            position = end;
        }
    }

    // A running estimate: short chunks carry a fixed cost, so only chunks of some length teach the speed.
    private void Learn(int tokens, TimeSpan elapsed)
    {
        if (tokens >= MinChunk && elapsed > TimeSpan.Zero)
        {
            _tokensPerSecond = (0.5 * _tokensPerSecond) + (0.5 * tokens / elapsed.TotalSeconds);
        }
    }
}
