using System.Diagnostics;

namespace VisPruner.Tests.Shared;

/// <summary>
/// A token cancelled after a delay by a thread of its own, not a thread-pool timer: with the test assemblies running in
/// parallel on a small machine the pool can be starved for longer than the work being cancelled, and a late cancellation
/// would time the pool instead of that work. Disposing waits for the thread, so the source is never cancelled after it
/// has been disposed (which would throw on that thread and end the test process).
/// </summary>
internal sealed class DelayedCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly Thread _thread;
    private long _cancelledAt;

    public DelayedCancellation(TimeSpan delay)
    {
        _thread = new Thread(() =>
        {
            Thread.Sleep(delay);

            // Timed before cancelling: a callback registered on the token could run after the cancelled code's own.
            Volatile.Write(ref _cancelledAt, Stopwatch.GetTimestamp());
            _source.Cancel();
        })
        { IsBackground = true, Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Gets the time since the token was cancelled.</summary>
    /// <exception cref="InvalidOperationException">The token has not been cancelled yet.</exception>
    public TimeSpan SinceCancelled
    {
        get
        {
            long at = Volatile.Read(ref _cancelledAt);
            return at != 0 ? Stopwatch.GetElapsedTime(at) : throw new InvalidOperationException("The token has not been cancelled yet.");
        }
    }

    public void Dispose()
    {
        _thread.Join();
        _source.Dispose();
    }
}
