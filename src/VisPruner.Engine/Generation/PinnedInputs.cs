using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace VisPruner.Engine.Generation;

/// <summary>
/// A generator's extra model inputs (the kept image rows and their counts), pinned, because GenAI's tensors point into
/// managed memory; they stay pinned until the generator is gone.
/// </summary>
internal sealed class PinnedInputs : IDisposable
{
    private readonly List<(GCHandle Handle, Tensor Tensor)> _inputs = [];

    /// <summary>Pins <paramref name="data"/> and sets it on <paramref name="generator"/> as the model input <paramref name="name"/>.</summary>
    public void Set<T>(Generator generator, string name, T[] data, long[] shape, ElementType type)
        where T : unmanaged
    {
        GCHandle handle = GCHandle.Alloc(data, GCHandleType.Pinned);
        Tensor? tensor = null;
        try
        {
            tensor = new Tensor(handle.AddrOfPinnedObject(), shape, type);
            generator.SetModelInput(name, tensor);
            _inputs.Add((handle, tensor));
        }
        catch
        {
            tensor?.Dispose();
            handle.Free();
            throw;
        }
    }

    public void Dispose()
    {
        foreach ((GCHandle handle, Tensor tensor) in _inputs)
        {
            tensor.Dispose();
            handle.Free();
        }

        _inputs.Clear();
    }
}
