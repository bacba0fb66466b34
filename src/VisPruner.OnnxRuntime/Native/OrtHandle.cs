using System.Buffers;
using System.Runtime.InteropServices;

namespace VisPruner.OnnxRuntime.Native;

/// <summary>
/// Owns one native ONNX Runtime object and releases it exactly once with its <c>Release*</c> entry,
/// on <see cref="SafeHandle.Dispose()"/> or, as a last resort, on finalization. A tensor over managed
/// memory also owns the pin, released only after the native value, so a forgotten tensor cannot pin
/// its array forever nor outlive it.
/// </summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged<IntPtr, void> _release;
    private MemoryHandle _pin;

    public OrtHandle(IntPtr handle, delegate* unmanaged<IntPtr, void> release, MemoryHandle pin = default)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _release = release;
        _pin = pin;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        _release(handle);
        _pin.Dispose();
        _pin = default;
        return true;
    }
}
