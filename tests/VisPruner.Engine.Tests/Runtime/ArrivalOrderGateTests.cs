using VisPruner.Engine.Runtime;

namespace VisPruner.Engine.Tests.Runtime;

/// <summary>
/// The engine's turn: every request takes its place synchronously when it is made (GenerateAsync enters the gate before
/// its first await), and the gate hands turns out in that order. Observed on the gate itself, because completion
/// callbacks run on the thread pool and may report finished requests in any order.
/// </summary>
public sealed class ArrivalOrderGateTests
{
    [Fact]
    public void Turns_are_given_one_at_a_time_in_arrival_order()
    {
        var gate = new ArrivalOrderGate();
        Task[] turns = [.. Enumerable.Range(0, 8).Select(_ => gate.EnterAsync(CancellationToken.None))];

        for (int i = 0; i < turns.Length; i++)
        {
            Assert.True(turns[i].IsCompletedSuccessfully, $"turn {i} not given after {i} exits");
            Assert.All(turns[(i + 1)..], later => Assert.False(later.IsCompleted));
            gate.Exit();
        }

        Assert.True(gate.EnterAsync(CancellationToken.None).IsCompletedSuccessfully, "the gate stays busy after the last exit");
    }

    [Fact]
    public async Task A_waiter_that_is_cancelled_leaves_its_place_and_the_next_one_gets_the_turn()
    {
        var gate = new ArrivalOrderGate();
        using var cancel = new CancellationTokenSource();
        Task first = gate.EnterAsync(CancellationToken.None);
        Task second = gate.EnterAsync(cancel.Token);
        Task third = gate.EnterAsync(CancellationToken.None);

        await cancel.CancelAsync();
        gate.Exit();

        Assert.True(first.IsCompletedSuccessfully);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        Assert.True(third.IsCompletedSuccessfully);
    }
}
