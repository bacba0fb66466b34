using System.Runtime.InteropServices;
using System.Text;

namespace VisPruner.Extensions.AI.Tests.Conversion;

/// <summary>What Linux itself does with a path: the oracle the path checks are compared with. .NET's own file calls
/// would not do: they remove ".." from a path's text before the system sees it.</summary>
internal static class SystemPaths
{
    private const int ReadOnlyNonBlocking = 0x800; // O_RDONLY | O_NONBLOCK: a FIFO is opened without waiting for a writer

    /// <summary>The real path of what the system opens for <paramref name="path"/>, or null when it refuses to open it.</summary>
    public static string? Opened(string path)
    {
        int descriptor = Open(Native(path), ReadOnlyNonBlocking);
        if (descriptor < 0)
        {
            return null;
        }

        try
        {
            return new FileInfo($"/proc/self/fd/{descriptor}").LinkTarget;
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>Makes a FIFO at <paramref name="path"/>.</summary>
    public static void MakeFifo(string path)
    {
        if (MakeFifo(Native(path), Convert.ToUInt32("600", 8)) != 0)
        {
            throw new IOException($"mkfifo {path} failed with error {Marshal.GetLastPInvokeError()}.");
        }
    }

    // A C string: the path's UTF-8 bytes and a terminating zero.
    private static byte[] Native(string path) => Encoding.UTF8.GetBytes(path + "\0");

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int descriptor);

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(byte[] path, uint mode);
}
