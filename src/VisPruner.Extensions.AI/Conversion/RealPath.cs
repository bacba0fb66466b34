namespace VisPruner.Extensions.AI.Conversion;

/// <summary>
/// The real path of a file or folder, as realpath(3) gives it: absolute, with the link in every component resolved.
/// .NET's own path handling removes <c>..</c> from the text, but on Unix the system applies it after resolving links
/// (<c>link/../x</c> is next to the link's target), so the components are walked one by one here. Windows removes
/// <c>..</c> from the text itself, and so does this on Windows. Only names and link targets are looked at, never a
/// file's content.
/// </summary>
internal static class RealPath
{
    // Linux's own bound (MAXSYMLINKS): a path through more links is taken to be a loop.
    private const int MaxLinks = 40;

    /// <summary>Gets how real paths compare: without case on Windows, whose file systems mostly ignore it.</summary>
    public static StringComparison Comparison { get; } = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The real path of <paramref name="path"/> (relative paths start at the current folder).</summary>
    /// <exception cref="IOException">
    /// A component is missing, or is used as a folder but is not one, or is a reparse point that is not a link, or the
    /// path goes through more than 40 links (a loop).
    /// </exception>
    /// <exception cref="UnauthorizedAccessException">A folder on the way cannot be searched.</exception>
    public static string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Absolute(path);
        string resolved = Path.GetPathRoot(full)!;
        var pending = new Stack<string>();
        PushComponents(pending, full, resolved.Length);
        int links = 0;
        while (pending.TryPop(out string? name))
        {
            if (name is "" or ".")
            {
                continue;
            }

            if (name == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? resolved;
                continue;
            }

            string next = Path.Join(resolved, name);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw new IOException($"The path '{path}' goes through more than {MaxLinks} links (a link loop).");
                }

                // The target replaces the link's name; its own components are resolved in turn.
                string replaced = LinkTargetPath(resolved, target);
                resolved = Path.GetPathRoot(replaced)!;
                PushComponents(pending, replaced, resolved.Length);
                continue;
            }

            FileAttributes attributes = File.GetAttributes(next);
            if ((attributes & FileAttributes.ReparsePoint) != 0)
            {
                // A reparse point .NET does not read as a link (a volume mount, say) could lead anywhere.
                throw new IOException($"The path '{path}' goes through '{next}', a reparse point that is not a link.");
            }

            if (pending.Count > 0 && (attributes & FileAttributes.Directory) == 0)
            {
                throw new IOException($"The path '{path}' uses the file '{next}' as a folder.");
            }

            resolved = next;
        }

        return resolved;
    }

    private static string Absolute(string path) => OperatingSystem.IsWindows()
        ? Path.GetFullPath(WithoutDevicePrefix(path))
        : Path.IsPathRooted(path) ? path : Path.Join(Directory.GetCurrentDirectory(), path);

    private static string LinkTargetPath(string linkFolder, string target) => OperatingSystem.IsWindows()
        ? Path.GetFullPath(WithoutDevicePrefix(target), linkFolder)
        : Path.IsPathRooted(target) ? target : Path.Join(linkFolder, target);

    private static void PushComponents(Stack<string> pending, string path, int rootLength)
    {
        char[] separators = OperatingSystem.IsWindows() ? ['\\', '/'] : ['/'];
        string[] names = path[rootLength..].Split(separators);
        for (int i = names.Length - 1; i >= 0; i--)
        {
            pending.Push(names[i]);
        }
    }

    // Windows spells a drive path also \\?\C:\..., \??\C:\... or \\.\C:\... (link targets may use any of them), and a
    // share \\?\UNC\server\...: one spelling keeps real paths comparable. Other device paths are kept as they are.
    private static string WithoutDevicePrefix(string path)
    {
        if (path.Length < 7 || !(path.StartsWith(@"\\?\", StringComparison.Ordinal) || path.StartsWith(@"\??\", StringComparison.Ordinal) || path.StartsWith(@"\\.\", StringComparison.Ordinal)))
        {
            return path;
        }

        if (char.IsAsciiLetter(path[4]) && path[5] == ':' && path[6] == '\\')
        {
            return path[4..];
        }

        return path.AsSpan(4).StartsWith(@"UNC\", StringComparison.OrdinalIgnoreCase) ? @"\\" + path[8..] : path;
    }
}
