using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Conversion;

/// <summary>
/// Checks a <c>file:</c> image URI against <see cref="VisPrunerChatClientOptions.AllowedImageFolders"/> and binds the check to
/// the file the engine reads. The URI's real path (every link in every component resolved, see <see cref="RealPath"/>)
/// must be a regular, non-empty file inside the real path of an allowed folder; the engine opens that real path, and the
/// opened file must still be the one that was checked. Every refusal is the same error, given before a byte is read, so a
/// message learns nothing about files outside the folders, not even whether they exist.
/// </summary>
internal static class AllowedImageFiles
{
    /// <exception cref="UnauthorizedAccessException">The URI names no regular, non-empty file inside an allowed folder.</exception>
    public static ImageInput Input(Uri uri, IEnumerable<string> allowedFolders)
    {
        string real = Check(uri, allowedFolders);
        return ImageInput.FromFile(real, () => Open(uri, real, OpenForRead));
    }

    /// <summary>The real path of the file <paramref name="uri"/> names, if it may be read.</summary>
    /// <exception cref="UnauthorizedAccessException">It may not.</exception>
    public static string Check(Uri uri, IEnumerable<string> allowedFolders)
    {
        try
        {
            string real = RealPath.Resolve(uri.LocalPath);
            if (IsRegularNonEmpty(real) && allowedFolders.Any(folder => IsInside(real, folder)))
            {
                return real;
            }
        }
        catch (Exception ex) when (IsPathError(ex))
        {
            // Same answer as any other refusal.
        }

        throw Refused(uri);
    }

    /// <summary>
    /// Opens the checked file <paramref name="real"/> with <paramref name="openFile"/> (tests pass one that changes the
    /// tree just before the open), keeping it only if what was opened is still that file.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The path no longer leads to the checked file.</exception>
    public static FileStream Open(Uri uri, string real, Func<string, FileStream> openFile)
    {
        FileStream? stream = null;
        try
        {
            // Looked at again before the open: the file may have become a link, or a FIFO or device whose open could block.
            if (IsUnchanged(real) && IsRegularNonEmpty(real))
            {
                stream = openFile(real);
                if (OpensChecked(stream, real))
                {
                    return stream;
                }
            }
        }
        catch (Exception ex) when (IsPathError(ex))
        {
            // Same answer as any other refusal.
        }

        stream?.Dispose();
        throw Refused(uri);
    }

    private static FileStream OpenForRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);

    private static bool IsInside(string real, string folder)
    {
        string root;
        try
        {
            root = RealPath.Resolve(folder);
        }
        catch (Exception ex) when (IsPathError(ex))
        {
            // A folder that does not resolve allows nothing; the others still count.
            return false;
        }

        root = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return Directory.Exists(root) && real.StartsWith(root, RealPath.Comparison);
    }

    // The path has no links left, so this looks at the file itself. Devices, FIFOs and pseudo-files report no size.
    private static bool IsRegularNonEmpty(string real) => new FileInfo(real) is { Exists: true, Length: > 0 };

    private static bool IsUnchanged(string real) => string.Equals(RealPath.Resolve(real), real, RealPath.Comparison);

    private static bool OpensChecked(FileStream stream, string real)
    {
        // Linux names the file behind a descriptor; elsewhere the path must still resolve to itself after the open.
        string? opened = OperatingSystem.IsLinux()
            ? new FileInfo($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}").LinkTarget
            : null;
        return opened is null ? IsUnchanged(real) : string.Equals(opened, real, StringComparison.Ordinal);
    }

    private static bool IsPathError(Exception ex) => ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException;

    private static UnauthorizedAccessException Refused(Uri uri) => new(
        $"The image URI '{uri}' is not readable: file: URIs are read only from VisPrunerChatClientOptions.AllowedImageFolders, and only regular, non-empty files.");
}
