using System.Runtime.InteropServices;
using System.Text;

namespace VisPruner.OnnxRuntime.Native;

/// <summary>UTF-8 marshalling between .NET strings and the C API's <c>const char*</c>.</summary>
internal static unsafe class Utf8
{
    /// <summary>Reads a null-terminated UTF-8 string; null stays null.</summary>
    public static string? ToString(byte* text) =>
        text == null ? null : Marshal.PtrToStringUTF8((IntPtr)text);

    /// <summary>A null-terminated UTF-8 copy on the native heap; free with <see cref="Free"/>.</summary>
    public static byte* Allocate(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        var buffer = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(buffer, length));
        buffer[length] = 0;
        return buffer;
    }

    /// <summary>Frees a string made by <see cref="Allocate"/>.</summary>
    public static void Free(byte* text) => NativeMemory.Free(text);

    /// <summary>A null-terminated UTF-8 copy in a managed array, for short-lived calls under <c>fixed</c>.</summary>
    public static byte[] ToNullTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
