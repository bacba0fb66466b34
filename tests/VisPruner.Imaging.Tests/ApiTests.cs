using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Imaging.Tests;

/// <summary>Entry points other than in-memory decoding: streams, files, configuration files, argument checks.</summary>
public sealed class ApiTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("imaging-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task DecodeAsync_reads_a_non_seekable_stream()
    {
        byte[] png = Fixture.Image("png_pal8.png");
        using var stream = new ForwardOnlyStream(png);
        RgbImage image = await ImageDecoder.DecodeAsync(stream);
        Assert.Equal(Fixture.ExpectedRgb("png_pal8.png"), image.Pixels.ToArray());
    }

    [Fact]
    public async Task DecodeFileAsync_names_the_file_in_errors()
    {
        string path = Path.Combine(_folder, "notes.png");
        await File.WriteAllTextAsync(path, "not an image");
        var e = await Assert.ThrowsAsync<InvalidImageException>(() => ImageDecoder.DecodeFileAsync(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecodeAsync_stops_reading_past_the_size_limit()
    {
        var options = new ImageDecoderOptions { MaxEncodedBytes = 1 << 20 };
        using var endless = new EndlessStream();
        var e = await Assert.ThrowsAsync<ImageLimitExceededException>(() => ImageDecoder.DecodeAsync(endless, options));
        Assert.Equal("MaxEncodedBytes", e.OptionName);
        Assert.True(endless.BytesRead < 2 << 20, $"read {endless.BytesRead} bytes");
    }

    [Fact]
    public async Task DecodeFileAsync_checks_the_file_length_before_reading_and_keeps_the_limit_name()
    {
        string path = Path.Combine(_folder, "big.png");
        await File.WriteAllBytesAsync(path, Fixture.Image("png_rgb8.png"));
        var e = await Assert.ThrowsAsync<ImageLimitExceededException>(() => ImageDecoder.DecodeFileAsync(path, new ImageDecoderOptions { MaxEncodedBytes = 100 }));
        Assert.Equal("MaxEncodedBytes", e.OptionName);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(Fixture.ExpectedRgb("png_rgb8.png"), (await ImageDecoder.DecodeFileAsync(path)).Pixels.ToArray());
    }

    [Fact]
    public void Exif_orientation_can_be_ignored()
    {
        var options = new ImageDecoderOptions { ApplyExifOrientation = false };
        RgbImage raw = ImageDecoder.Decode(Fixture.Image("jpeg_orient6.jpg"), options);
        RgbImage upright = ImageDecoder.Decode(Fixture.Image("jpeg_orient6.jpg"));

        Assert.Equal((37, 23), (raw.Width, raw.Height));
        Assert.Equal((23, 37), (upright.Width, upright.Height));
    }

    [Fact]
    public async Task LoadPhi3VisionAsync_reads_a_model_folder_config_and_names_the_file_in_errors()
    {
        string good = Path.Combine(_folder, "processor_config.json");
        await File.WriteAllTextAsync(good, """{"num_crops": 4, "image_processor_type": "Phi3VImageProcessor"}""");
        Assert.Equal(4, (await ProcessorConfig.LoadPhi3VisionAsync(good)).NumCrops);

        string bad = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(bad, """{"num_crops": -3}""");
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => ProcessorConfig.LoadPhi3VisionAsync(bad));
        Assert.Contains(bad, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RgbImage_checks_its_buffer()
    {
        Assert.Throws<ArgumentException>(() => new RgbImage(2, 2, new byte[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RgbImage(0, 2));
        var image = new RgbImage(2, 3, [.. Enumerable.Range(0, 18).Select(i => (byte)i)]);
        Assert.Equal(new byte[] { 12, 13, 14, 15, 16, 17 }, image.GetRow(2).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => image.GetRow(3));
    }

    [Fact]
    public void Processor_rejects_invalid_options_and_empty_batches()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = Phi3VisionProcessorOptions.MaxNumCrops + 1 }));
        Assert.Throws<ArgumentException>(() => new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { ImageStd = [1f, 0f, 1f] }));
        Assert.Throws<ArgumentException>(() => new Phi3VisionImageProcessor().Process([]));
    }

    [Fact]
    public void Processor_honours_cancellation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => new Phi3VisionImageProcessor().Process([new RgbImage(4, 4)], cts.Token));
    }

    /// <summary>A network body that never ends.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill(0x89);
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A stream that can only be read forwards, like a network response body.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
