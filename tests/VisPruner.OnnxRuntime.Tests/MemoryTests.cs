using System.Diagnostics;
using Xunit;

namespace VisPruner.OnnxRuntime.Tests;

// Alone, so other tests' allocations do not blur the process-wide measurement.
[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class RunsAlone;

[Collection(nameof(MemoryTests))]
public class MemoryTests
{
    [Fact]
    public void Ten_thousand_runs_keep_native_memory_flat()
    {
        // 64 KiB in and out per run: leaking either one per run would add over 600 MiB.
        using var session = InferenceSession.Load(TestModels.AddOne(128, 128), new InferenceSessionOptions { IntraOpThreads = 1 });
        float[] input = new float[128 * 128];
        using var cts = new CancellationTokenSource(); // exercises the per-run options path too
        void RunMany(int count)
        {
            for (int i = 0; i < count; i++)
            {
                using var x = OrtValue.CreateTensor(input, [128, 128]);
                using SessionOutputs outputs = session.Run([KeyValuePair.Create("x", x)], cts.Token);
                _ = outputs[0].Shape;
            }
        }

        RunMany(500); // warm up arenas and caches
        long before = PrivateBytes();
        RunMany(10_000);
        long after = PrivateBytes();

        Assert.True(after - before < 100L << 20, $"private memory grew by {(after - before) >> 20} MiB over 10,000 runs");
    }

    private static long PrivateBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.PrivateMemorySize64;
    }
}
