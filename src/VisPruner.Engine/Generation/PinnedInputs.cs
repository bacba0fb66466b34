using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace VisPruner.Engine.Generation;

/// <summary>
/// The image inputs of a generator: the kept feature rows and each image's row count, pinned, because GenAI's tensors
/// point into managed memory; they stay pinned until the generator is gone.
/// </summary>
internal sealed class PinnedInputs : IDisposable
{
    private GCHandle _features;
    private GCHandle _counts;

    public PinnedInputs(float[] features, long[] counts, int hidden)
    {
        _features = GCHandle.Alloc(features, GCHandleType.Pinned);
        _counts = GCHandle.Alloc(counts, GCHandleType.Pinned);
        Features = new Tensor(_features.AddrOfPinnedObject(), [features.Length / hidden, hidden], ElementType.float32);
        Counts = new Tensor(_counts.AddrOfPinnedObject(), [counts.Length], ElementType.int64);
    }

    public Tensor Features { get; }

    public Tensor Counts { get; }

    public void Dispose()
    {
        Features.Dispose();
        Counts.Dispose();
        _features.Free();
        _counts.Free();
    }
}
