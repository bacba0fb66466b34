using VisPruner.Engine.Generation;
using VisPruner.Imaging;

namespace VisPruner.Engine.Tests.Generation;

/// <summary>File inputs are opened when read, and the opened file is checked before a byte of it is read.</summary>
public sealed class ImageInputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vispruner-image-input-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_caller_opened_file_is_opened_only_when_read_and_closed_after()
    {
        byte[] image = TestImages.Bmp(32, 32);
        string path = Write("photo.bmp", image);
        var opened = new List<FileStream>();
        ImageInput input = ImageInput.FromFile(path, () =>
        {
            opened.Add(File.OpenRead(path));
            return opened[^1];
        });

        Assert.Empty(opened);
        Assert.Equal(image, (await input.ReadAsync(image.Length, CancellationToken.None)).ToArray());
        Assert.False(Assert.Single(opened).CanRead);
    }

    [Fact]
    public async Task A_caller_opened_file_that_is_empty_or_too_large_is_refused_and_closed()
    {
        string empty = Write("empty.bmp", []), large = Write("large.bmp", TestImages.Bmp(32, 32));
        FileStream? opened = null;
        ImageInput Opening(string path) => ImageInput.FromFile(path, () => opened = File.OpenRead(path));

        var notRegular = await Assert.ThrowsAsync<InvalidImageException>(() => Opening(empty).ReadAsync(1000, CancellationToken.None).AsTask());
        Assert.False(opened!.CanRead);
        var tooLarge = await Assert.ThrowsAsync<ImageLimitExceededException>(() => Opening(large).ReadAsync(1000, CancellationToken.None).AsTask());
        Assert.False(opened.CanRead);

        Assert.Contains("not a regular, non-empty file", notRegular.Message, StringComparison.Ordinal);
        Assert.Equal("ImageLimits.MaxEncodedBytes", tooLarge.OptionName);
    }

    [Fact]
    public async Task A_refusal_by_the_opener_reaches_the_caller()
    {
        ImageInput input = ImageInput.FromFile(Path.Combine(_root, "refused.bmp"), () => throw new UnauthorizedAccessException("refused"));

        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => input.ReadAsync(1000, CancellationToken.None).AsTask());

        Assert.Equal("refused", error.Message);
    }

    [Fact]
    public async Task A_path_input_names_a_missing_file_and_the_byte_cap()
    {
        string missing = Path.Combine(_root, "missing.bmp"), large = Write("large.bmp", TestImages.Bmp(32, 32));

        var notFound = await Assert.ThrowsAsync<FileNotFoundException>(() => ImageInput.FromFile(missing).ReadAsync(1000, CancellationToken.None).AsTask());
        var tooLarge = await Assert.ThrowsAsync<ImageLimitExceededException>(() => ImageInput.FromFile(large).ReadAsync(1000, CancellationToken.None).AsTask());

        Assert.Equal(missing, notFound.FileName);
        Assert.Equal("ImageLimits.MaxEncodedBytes", tooLarge.OptionName);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
