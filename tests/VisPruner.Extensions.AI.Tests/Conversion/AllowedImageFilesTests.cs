using System.Diagnostics;
using VisPruner.Engine.Generation;
using VisPruner.Extensions.AI.Conversion;

namespace VisPruner.Extensions.AI.Tests.Conversion;

public sealed class AllowedImageFilesTests : IDisposable
{
    private readonly FileTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_folder_link_at_any_depth_that_leads_outside_is_refused(int depth)
    {
        // allowed/a/b/c/photo.png, where the folder at `depth` is a link to an outside folder holding the rest of the path.
        string[] folders = ["a", "b", "c"];
        string linked = _tree.Folder(["outside", "linked", .. folders[(depth + 1)..]]);
        File.Copy(Path.Combine(_tree.Outside, "photo.png"), Path.Combine(linked, "photo.png"));
        _tree.Folder(["allowed", .. folders[..depth]]);
        _tree.Link(Path.Combine(["allowed", .. folders[..(depth + 1)]]), Path.Combine(_tree.Outside, "linked"));
        string path = Path.Combine([_tree.Allowed, .. folders, "photo.png"]);

        Assert.Equal(FileTree.OutsideImage, File.ReadAllBytes(path)); // the system reads the outside image through it
        AssertRefused(path);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_folder_link_that_stays_inside_is_allowed_and_read_from_its_target(bool absolute)
    {
        string sub = _tree.Folder("allowed", "sub");
        File.Move(Path.Combine(_tree.Allowed, "photo.png"), Path.Combine(sub, "photo.png"));
        _tree.Link("allowed/alias", absolute ? sub : "sub");

        ImageInput input = AllowedImageFiles.Input(new Uri(Path.Combine(_tree.Allowed, "alias", "photo.png")), [_tree.Allowed]);

        Assert.Equal(Path.Combine(sub, "photo.png"), input.Path);
        Assert.Equal(FileTree.InsideImage, await ReadAsync(input));
    }

    [Fact]
    public async Task An_allowed_folder_named_through_links_allows_its_real_target()
    {
        string viaLast = _tree.Link("via", _tree.Allowed);
        string viaMiddle = Path.Combine(_tree.Link("up", _tree.Root), "allowed");
        string missing = Path.Combine(_tree.Root, "missing");

        foreach (string folder in new[] { viaLast, viaMiddle })
        {
            foreach (string path in new[] { Path.Combine(_tree.Allowed, "photo.png"), Path.Combine(folder, "photo.png") })
            {
                // A folder that does not exist allows nothing but does not stop the next one.
                Assert.Equal(FileTree.InsideImage, await ReadAsync(AllowedImageFiles.Input(new Uri(path), [missing, folder])));
            }

            AssertRefused(Path.Combine(_tree.Outside, "photo.png"), folder);
        }
    }

    [Fact]
    public async Task A_link_target_that_climbs_out_through_another_link_is_refused_and_one_that_stays_inside_is_read()
    {
        // out -> outside/deep, so out/.. is the outside folder, not the allowed one (which has a photo.png too).
        _tree.Link("allowed/out", _tree.Folder("outside", "deep"));
        string sneaky = _tree.Link("allowed/sneaky.png", "out/../photo.png", folder: false);

        // in -> sub/deeper, so in/.. is allowed/sub, whose photo.png is not allowed/photo.png.
        _tree.Link("allowed/in", _tree.Folder("allowed", "sub", "deeper"));
        byte[] subImage = TestImages.Bmp(16, 16);
        File.WriteAllBytes(Path.Combine(_tree.Allowed, "sub", "photo.png"), subImage);
        string climbing = _tree.Link("allowed/climbing.png", "in/../photo.png", folder: false);

        Assert.Equal(FileTree.OutsideImage, File.ReadAllBytes(sneaky)); // what the system reads through it
        AssertRefused(sneaky);
        Assert.Equal(subImage, File.ReadAllBytes(climbing));
        Assert.Equal(subImage, await ReadAsync(AllowedImageFiles.Input(new Uri(climbing), [_tree.Allowed])));
    }

    [Fact]
    public void Every_refusal_is_the_same_error_whether_or_not_an_outside_file_exists()
    {
        string outsideFolder = _tree.Link("allowed/docs", _tree.Outside);
        string empty = Path.Combine(_tree.Allowed, "empty.png");
        File.WriteAllBytes(empty, []);
        _tree.Link("allowed/loop", "loop");
        var paths = new List<string>
        {
            Path.Combine(_tree.Allowed, "missing.png"),
            Path.Combine(_tree.Outside, "photo.png"),
            Path.Combine(_tree.Outside, "secret.txt"), // exists, not an image
            Path.Combine(outsideFolder, "secret.txt"), // the same through a folder link
            Path.Combine(outsideFolder, "missing.txt"),
            _tree.Link("allowed/secret.png", Path.Combine(_tree.Outside, "secret.txt"), folder: false),
            _tree.Folder("allowed", "folder.png"),
            empty,
            Path.Combine(_tree.Allowed, "photo.png", "inner.png"),
            Path.Combine(_tree.Allowed, "loop", "photo.png"),
        };
        if (OperatingSystem.IsLinux())
        {
            string fifo = Path.Combine(_tree.Allowed, "fifo.png");
            SystemPaths.MakeFifo(fifo);
            paths.AddRange([fifo, "/dev/zero"]);
        }

        string[] messages = [.. paths.Select(path => Refusal(path, _tree.Allowed, "/dev"))];

        Assert.Single(messages.Distinct());
        Assert.Contains(nameof(VisPrunerChatClientOptions.AllowedImageFolders), messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_swapped_for_a_link_after_the_check_is_refused_when_read()
    {
        string path = Path.Combine(_tree.Allowed, "photo.png");
        ImageInput input = AllowedImageFiles.Input(new Uri(path), [_tree.Allowed]);
        File.Delete(path);
        File.CreateSymbolicLink(path, Path.Combine(_tree.Outside, "photo.png"));

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ReadAsync(input));
    }

    [Fact]
    public async Task A_file_swapped_for_a_FIFO_after_the_check_is_refused_without_being_opened()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // FIFOs are made with Linux's mkfifo
        }

        string path = Path.Combine(_tree.Allowed, "photo.png");
        ImageInput input = AllowedImageFiles.Input(new Uri(path), [_tree.Allowed]);
        File.Delete(path);
        SystemPaths.MakeFifo(path);

        // An open of the FIFO would wait for a writer for ever; the test would then fail on the timeout.
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Task.Run(() => ReadAsync(input)).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_swap_between_the_last_look_and_the_open_is_caught_on_the_opened_file(bool swapFolder)
    {
        string sub = _tree.Folder("allowed", "sub");
        string path = Path.Combine(sub, "photo.png");
        File.WriteAllBytes(path, FileTree.InsideImage);
        var uri = new Uri(path);
        string real = AllowedImageFiles.Check(uri, [_tree.Allowed]);
        FileStream? opened = null;

        Assert.Throws<UnauthorizedAccessException>(() => AllowedImageFiles.Open(uri, real, checkedPath =>
        {
            if (swapFolder)
            {
                Directory.Delete(sub, recursive: true);
                Directory.CreateSymbolicLink(sub, _tree.Outside);
            }
            else
            {
                File.Delete(checkedPath);
                File.CreateSymbolicLink(checkedPath, Path.Combine(_tree.Outside, "photo.png"));
            }

            opened = new FileStream(checkedPath, FileMode.Open, FileAccess.Read);
            Assert.Equal(FileTree.OutsideImage.Length, opened.Length); // the open did reach the outside image
            return opened;
        }));

        Assert.False(opened!.CanRead); // closed unread
    }

    [Fact]
    public async Task On_random_trees_exactly_the_paths_the_system_opens_to_a_file_inside_the_folder_are_accepted()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the oracle is Linux's
        }

        int accepted = 0, acceptedThroughLinks = 0, refusedEscapes = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            using var tree = new FileTree();
            var random = new Random(seed);
            RandomLinks.Grow(tree, random);
            string folder = seed % 2 == 0 ? tree.Allowed : tree.Link("via", tree.Allowed);
            string allowedReal = SystemPaths.Opened(tree.Allowed)! + "/";
            foreach (string path in RandomLinks.Candidates(tree))
            {
                string? opened = SystemPaths.Opened(path);
                bool expected = opened is not null && opened.StartsWith(allowedReal, StringComparison.Ordinal) && new FileInfo(opened) is { Exists: true, Length: > 0 };
                string? real = null;
                try
                {
                    real = AllowedImageFiles.Check(new Uri(path), [folder]);
                }
                catch (UnauthorizedAccessException)
                {
                }

                string context = $"seed {seed}, {path}: the system opens {opened ?? "nothing"}, the check gives {real ?? "a refusal"}\n{RandomLinks.Describe(tree)}";
                Assert.True(expected == (real is not null), context);
                if (real is not null)
                {
                    Assert.True(real == opened, context);
                    Assert.Equal(File.ReadAllBytes(opened!), await ReadAsync(AllowedImageFiles.Input(new Uri(path), [folder])));
                    accepted++;
                    acceptedThroughLinks += real == path ? 0 : 1;
                }
                else if (opened is not null && path.StartsWith(tree.Allowed, StringComparison.Ordinal) && !opened.StartsWith(allowedReal, StringComparison.Ordinal))
                {
                    refusedEscapes++;
                }
            }
        }

        // The interesting answers occur often enough for the comparison to mean something.
        Assert.True(acceptedThroughLinks >= 50 && refusedEscapes >= 50, $"{accepted} accepted ({acceptedThroughLinks} through links), {refusedEscapes} refused paths in the folder that lead out");
    }

    private static async Task<byte[]> ReadAsync(ImageInput input) => (await input.ReadAsync(long.MaxValue, CancellationToken.None)).ToArray();

    private string Refusal(string path, params string[] allowedFolders)
    {
        var uri = new Uri(path);
        var error = Assert.Throws<UnauthorizedAccessException>(() => AllowedImageFiles.Check(uri, allowedFolders));
        return error.Message.Replace(uri.ToString(), "<uri>", StringComparison.Ordinal);
    }

    private void AssertRefused(string path, string? allowedFolder = null)
    {
        string folder = allowedFolder ?? _tree.Allowed;
        Assert.Equal(Refusal(Path.Combine(_tree.Allowed, "missing.png"), folder), Refusal(path, folder));
    }
}
