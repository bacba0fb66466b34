using System.Text;

namespace VisPruner.Extensions.AI.Tests.Conversion;

/// <summary>Seeded random trees of folders, files and links (to folders, files, nothing, loops, with "..") in a <see cref="FileTree"/>.</summary>
internal static class RandomLinks
{
    private static readonly string[] Names = ["a", "b", "c", "d"];

    public static void Grow(FileTree tree, Random random)
    {
        List<string> folders = [tree.Allowed, tree.Outside];
        List<string> nodes = [tree.Allowed, tree.Outside, Path.Combine(tree.Allowed, "photo.png"), Path.Combine(tree.Outside, "photo.png"), Path.Combine(tree.Outside, "secret.txt")];
        for (int i = 0; i < 40; i++)
        {
            string parent = folders[random.Next(folders.Count)];
            string path = Path.Combine(parent, Names[random.Next(Names.Length)]);
            if (nodes.Contains(path))
            {
                continue;
            }

            switch (random.Next(8))
            {
                case 0 or 1:
                    folders.Add(Directory.CreateDirectory(path).FullName);
                    break;
                case 2:
                    File.WriteAllBytes(path, [.. Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256))]);
                    break;
                case 3:
                    File.WriteAllBytes(path, []);
                    break;
                default:
                    File.CreateSymbolicLink(path, LinkTarget(random, parent, nodes));
                    break;
            }

            nodes.Add(path);
        }
    }

    /// <summary>Every path of one to three names under the allowed and the outside folder, ending in a name or photo.png.</summary>
    public static IEnumerable<string> Candidates(FileTree tree)
    {
        string[] last = [.. Names, "photo.png"];
        IEnumerable<string> prefixes = [tree.Allowed, tree.Outside];
        for (int depth = 1; depth <= 3; depth++)
        {
            foreach (string prefix in prefixes)
            {
                foreach (string name in last)
                {
                    yield return Path.Combine(prefix, name);
                }
            }

            prefixes = [.. prefixes.SelectMany(prefix => Names.Select(name => Path.Combine(prefix, name)))];
        }
    }

    /// <summary>The tree's entries and link targets, for a failure message; links are listed, not followed.</summary>
    public static string Describe(FileTree tree)
    {
        var text = new StringBuilder();
        var pending = new Stack<string>([tree.Root]);
        while (pending.TryPop(out string? folder))
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries(folder))
            {
                string? target = new FileInfo(entry).LinkTarget;
                text.Append(Path.GetRelativePath(tree.Root, entry)).AppendLine(target is null ? string.Empty : " -> " + target);
                if (target is null && Directory.Exists(entry))
                {
                    pending.Push(entry);
                }
            }
        }

        return text.ToString();
    }

    private static string LinkTarget(Random random, string linkFolder, List<string> nodes)
    {
        string node = nodes[random.Next(nodes.Count)];
        return random.Next(4) switch
        {
            0 => node,
            1 => Path.GetRelativePath(linkFolder, node),

            // ".." after a name that may itself be a link: the system applies it to the link's target.
            2 => Path.Join(Names[random.Next(Names.Length)], "..", Path.GetRelativePath(linkFolder, node)),

            // A short walk of names, "." and at most one leading "..": may dangle, loop or climb.
            _ => Path.Join([.. random.Next(2) == 0 ? new[] { ".." } : [], .. Enumerable.Range(0, random.Next(1, 3)).Select(_ => random.Next(5) == 0 ? "." : Names[random.Next(Names.Length)])]),
        };
    }
}
