namespace VisPruner.Engine.Runtime;

/// <summary>
/// Runs long, blocking model work (vision encoder, prefill, decode loop: seconds inside native code) on a thread of its
/// own. Blocking thread-pool threads that long would starve the pool on small machines, and with it the timer callbacks
/// that cancel requests (<see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>, request aborts).
/// </summary>
/// <remarks>
/// The token only keeps work that has not started from starting: the returned task ends when the work does, so whoever
/// awaits it knows that no native call is still using the models or the memory handed to them.
/// </remarks>
internal static class DedicatedThread
{
    public static Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public static Task Run(Action work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
