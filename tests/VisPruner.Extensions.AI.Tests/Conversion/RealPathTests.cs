using System.Diagnostics;
using VisPruner.Extensions.AI.Conversion;

namespace VisPruner.Extensions.AI.Tests.Conversion;

public sealed class RealPathTests : IDisposable
{
    private readonly FileTree _tree = new();

    public RealPathTests()
    {
        // allowed/sub/deeper, allowed/sub/photo.png; links: inlink -> sub/deeper, out -> ../outside/deep,
        // abs -> <root>/outside, chain -> hop -> sub.
        _tree.Folder("allowed", "sub", "deeper");
        _tree.Folder("outside", "deep");
        File.WriteAllBytes(Path.Combine(_tree.Allowed, "sub", "photo.png"), TestImages.Bmp(8, 8));
        _tree.Link("allowed/inlink", "sub/deeper");
        _tree.Link("allowed/out", "../outside/deep");
        _tree.Link("allowed/abs", _tree.Outside);
        _tree.Link("allowed/hop", "sub");
        _tree.Link("allowed/chain", "hop");
    }

    public void Dispose() => _tree.Dispose();

    [Theory]
    [InlineData("allowed/out/../photo.png")] // the parent of the link's target: outside/photo.png
    [InlineData("allowed/inlink/../photo.png")] // allowed/sub/photo.png, not allowed/photo.png
    [InlineData("allowed/inlink/..")]
    [InlineData("allowed/abs/deep/../photo.png")]
    [InlineData("allowed/out/../../allowed/photo.png")]
    [InlineData("allowed/chain/./photo.png")]
    [InlineData("allowed/sub/deeper/../../photo.png")]
    [InlineData("allowed//sub///photo.png")]
    [InlineData("allowed/out")]
    [InlineData("allowed/photo.png")]
    public void A_path_resolves_to_what_the_system_opens(string relative)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the oracle is Linux's
        }

        string path = _tree.Root + "/" + relative;
        string? opened = SystemPaths.Opened(path);

        Assert.NotNull(opened);
        Assert.Equal(opened, RealPath.Resolve(path));
    }

    [Theory]
    [InlineData("allowed/missing/../photo.png")] // .NET's own path handling would find allowed/photo.png
    [InlineData("allowed/photo.png/..")]
    [InlineData("allowed/photo.png/x")]
    [InlineData("allowed/missing.png")]
    public void A_path_the_system_cannot_open_does_not_resolve(string relative)
    {
        string path = Path.Combine(_tree.Root, relative);

        Assert.ThrowsAny<IOException>(() => RealPath.Resolve(path));
        if (OperatingSystem.IsLinux())
        {
            Assert.Null(SystemPaths.Opened(path));
        }
    }

    [Fact]
    public void A_link_in_a_link_target_is_resolved_too()
    {
        // sneaky -> out/../photo.png: the target's own ".." follows the out link, to outside/photo.png.
        string sneaky = _tree.Link("allowed/sneaky", "out/../photo.png", folder: false);

        Assert.Equal(Path.Combine(_tree.Outside, "photo.png"), RealPath.Resolve(sneaky));
    }

    [Theory]
    [InlineData(40, true)]
    [InlineData(41, false)]
    public void Forty_links_in_one_path_resolve_and_one_more_is_a_loop_as_on_Linux(int links, bool resolves)
    {
        string previous = "sub";
        for (int i = 1; i <= links; i++)
        {
            _tree.Link($"allowed/l{i}", previous);
            previous = $"l{i}";
        }

        string path = Path.Combine(_tree.Allowed, previous, "photo.png");

        if (resolves)
        {
            Assert.Equal(Path.Combine(_tree.Allowed, "sub", "photo.png"), RealPath.Resolve(path));
        }
        else
        {
            Assert.ThrowsAny<IOException>(() => RealPath.Resolve(path));
        }

        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(resolves, SystemPaths.Opened(path) is not null);
        }
    }

    [Fact]
    public void A_link_loop_is_refused_at_once()
    {
        _tree.Link("allowed/self", "self");
        _tree.Link("allowed/loop-a", "loop-b");
        _tree.Link("allowed/loop-b", "loop-a");

        foreach (string link in new[] { "self", "loop-a" })
        {
            var clock = Stopwatch.StartNew();
            var error = Assert.Throws<IOException>(() => RealPath.Resolve(Path.Combine(_tree.Allowed, link, "photo.png")));

            Assert.Contains("link loop", error.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{link}: took {clock.Elapsed}");
        }
    }
}
