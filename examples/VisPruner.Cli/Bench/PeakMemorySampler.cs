using System.Diagnostics;

namespace VisPruner.Cli.Bench;

/// <summary>Samples the process working set every few milliseconds while alive.</summary>
internal sealed class PeakMemorySampler : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public PeakMemorySampler()
    {
        _loop = Task.Run(async () =>
        {
            using var process = Process.GetCurrentProcess();
            while (!_stop.IsCancellationRequested)
            {
                process.Refresh();
                _peak = Math.Max(_peak, process.WorkingSet64);
                await Task.Delay(5).ConfigureAwait(false);
            }
        });
    }

    public long Peak => Volatile.Read(ref _peak);

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait();
        _stop.Dispose();
    }
}
