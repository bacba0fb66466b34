using System.Runtime.CompilerServices;
using System.Text;

namespace VisPruner.OnnxRuntime.Native;

/// <summary>
/// A session's input or output names as null-terminated UTF-8 on the pinned object heap, so a run
/// passes them to the runtime without encoding or pinning anything.
/// </summary>
internal sealed unsafe class NativeNames
{
    private readonly byte[][] _utf8;
    private readonly Dictionary<string, int> _indexByName;

    public NativeNames(IReadOnlyList<string> names)
    {
        Names = names;
        _utf8 = new byte[names.Count][];
        _indexByName = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            byte[] bytes = GC.AllocateUninitializedArray<byte>(Encoding.UTF8.GetByteCount(names[i]) + 1, pinned: true);
            Encoding.UTF8.GetBytes(names[i], bytes);
            bytes[^1] = 0;
            _utf8[i] = bytes;
            _indexByName[names[i]] = i;
        }
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>The pointer for <paramref name="name"/>; <paramref name="kind"/> names the list in the error.</summary>
    /// <exception cref="ArgumentException">The session has no such name.</exception>
    public IntPtr Pointer(string name, string kind)
    {
        if (!_indexByName.TryGetValue(name, out int index))
        {
            throw new ArgumentException($"The model has no {kind} named '{name}'. Its {kind}s are: {string.Join(", ", Names)}.", nameof(name));
        }

        return Pointer(index);
    }

    public IntPtr Pointer(int index) => (IntPtr)Unsafe.AsPointer(ref _utf8[index][0]);
}
