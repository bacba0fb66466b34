using Xunit;

namespace VisPruner.OnnxRuntime.Tests;

public class CancellationTests
{
    // The timeout only guards against a hang if cancellation were broken; nothing here measures speed.
    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_long_run_throws_OperationCanceledException_and_leaves_the_session_usable()
    {
        using var session = InferenceSession.Load(TestModels.LongLoop());
        float[] state = new float[64 * 64];
        Array.Fill(state, 0.01f);
        using var x = OrtValue.CreateTensor(state, [64, 64]);
        using var endless = OrtValue.CreateTensor(new[] { long.MaxValue }, []);
        using var cts = new CancellationTokenSource();

        Task<SessionOutputs> run = session.RunAsync([KeyValuePair.Create("trips", endless), KeyValuePair.Create("x", x)], cancellationToken: cts.Token);
        await Task.Delay(200);
        Assert.False(run.IsCompleted, "the loop is far from done");
        await cts.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(cts.Token, error.CancellationToken);

        using var three = OrtValue.CreateTensor(new[] { 3L }, []);
        using SessionOutputs outputs = await session.RunAsync([KeyValuePair.Create("trips", three), KeyValuePair.Create("x", x)], cancellationToken: CancellationToken.None);
        Assert.Equal([64L, 64L], outputs[0].Shape);
        Assert.All(outputs[0].ToArray<float>(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void An_already_cancelled_token_stops_before_running()
    {
        using var session = InferenceSession.Load(TestModels.AddOne(1, 1));
        using var x = OrtValue.CreateTensor(new float[] { 1 }, [1, 1]);

        Assert.Throws<OperationCanceledException>(() => session.Run([KeyValuePair.Create("x", x)], new CancellationToken(canceled: true)));
    }
}
