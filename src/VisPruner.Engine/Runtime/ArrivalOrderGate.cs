namespace VisPruner.Engine.Runtime;

/// <summary>
/// Lets one request at a time through, in the order the requests arrived: a waiter's place is taken synchronously when
/// it asks, so a burst started from one thread is served oldest first (a semaphore woken through the thread pool does not
/// guarantee that). A waiter that cancels leaves the queue at once.
/// </summary>
internal sealed class ArrivalOrderGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private bool _busy;

    /// <summary>Takes a place in the queue now; the task completes when it is this caller's turn.</summary>
    public Task EnterAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        TaskCompletionSource turn;
        LinkedListNode<TaskCompletionSource> place;
        lock (_lock)
        {
            if (!_busy)
            {
                _busy = true;
                return Task.CompletedTask;
            }

            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            place = _waiting.AddLast(turn);
        }

        if (cancellationToken.CanBeCanceled)
        {
            CancellationTokenRegistration registration = cancellationToken.Register(() => Leave(place, cancellationToken));
            _ = turn.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return turn.Task;
    }

    /// <summary>Ends the current turn and starts the next waiter's.</summary>
    public void Exit()
    {
        lock (_lock)
        {
            while (_waiting.First is { } next)
            {
                _waiting.RemoveFirst();
                if (next.Value.TrySetResult())
                {
                    return;
                }
            }

            _busy = false;
        }
    }

    private void Leave(LinkedListNode<TaskCompletionSource> place, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Still queued: leave. Already given the turn: the owner runs and exits as usual.
            if (place.List is not null)
            {
                _waiting.Remove(place);
                place.Value.TrySetCanceled(cancellationToken);
            }
        }
    }
}
