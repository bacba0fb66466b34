using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using VisPruner.Imaging.Png;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// The PNG encoder's files decode to exactly the pixels encoded, with our decoder for many sizes and with Pillow
/// for a committed file the encoder wrote (see Fixtures/README.md).
/// </summary>
public sealed class PngEncoderTests : IDisposable
{
    private static readonly byte[] AllFilterTypes = [0, 1, 2, 3, 4];

    private readonly string _folder = Directory.CreateTempSubdirectory("png-encoder-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 9)]
    [InlineData(9, 1)]
    [InlineData(2, 3)]
    [InlineData(37, 23)]
    [InlineData(255, 3)]
    [InlineData(300, 200)] // noise large enough to span several IDAT chunks
    public void Round_trip_through_the_decoder_is_exact(int width, int height)
    {
        RgbImage image = Noise(width, height, seed: width * 1000 + height);

        byte[] png = PngEncoder.EncodeToBytes(image);

        RgbImage decoded = ImageDecoder.Decode(png);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        Assert.Equal(image.Pixels.ToArray(), decoded.Pixels.ToArray());
    }

    [Fact]
    public void Adaptive_filtering_uses_every_filter_round_trips_and_compresses()
    {
        RgbImage image = EncoderSample.Create();

        byte[] png = PngEncoder.EncodeToBytes(image);

        Assert.Equal(image.Pixels.ToArray(), ImageDecoder.Decode(png).Pixels.ToArray());
        Assert.True(png.Length < image.Pixels.Length * 6 / 10, $"{png.Length} bytes for {image.Pixels.Length} bytes of samples, 3/8 of them noise");
        Assert.Equal(AllFilterTypes, RowFilters(png, image.Width).Distinct().Order().ToArray());
    }

    [Fact]
    public void Committed_encoder_output_decodes_in_pillow_to_the_sample_image()
    {
        byte[] committed = File.ReadAllBytes(Path.Combine(Fixture.Root, "encoder", "encoder_sample.png"));
        string pillowSha256 = File.ReadAllText(Path.Combine(Fixture.Root, "encoder", "encoder_sample.png.sha256")).Trim();
        RgbImage sample = EncoderSample.Create();

        // Pillow saw exactly the pixels the encoder was given, through every filter type and several IDAT chunks.
        Assert.Equal(pillowSha256, Convert.ToHexStringLower(SHA256.HashData(sample.Pixels)));
        Assert.Equal(AllFilterTypes, RowFilters(committed, sample.Width).Distinct().Order().ToArray());
        Assert.True(Chunks(committed).Count(c => c.Type == "IDAT") > 1);

        // Today's encoder writes the same structure: same header, same pixels through the same decoder.
        byte[] current = PngEncoder.EncodeToBytes(sample);
        Assert.Equal(committed.AsSpan(0, 33).ToArray(), current.AsSpan(0, 33).ToArray()); // signature + IHDR
        Assert.Equal(ImageDecoder.Decode(committed).Pixels.ToArray(), ImageDecoder.Decode(current).Pixels.ToArray());
    }

    [Fact]
    public void File_holds_only_ihdr_idat_and_iend_with_valid_crcs()
    {
        byte[] png = PngEncoder.EncodeToBytes(Noise(300, 200, seed: 7));

        var chunks = Chunks(png).ToList();
        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal("IEND", chunks[^1].Type);
        Assert.All(chunks[1..^1], c => Assert.Equal("IDAT", c.Type));
        Assert.All(chunks, c => Assert.True(c.CrcValid, $"{c.Type} CRC"));
        Assert.Equal(new byte[] { 0, 0, 1, 44, 0, 0, 0, 200, 8, 2, 0, 0, 0 }, chunks[0].Data);
    }

    [Fact]
    public void Encode_writes_at_the_stream_position_and_leaves_it_open()
    {
        RgbImage image = Noise(5, 4, seed: 1);
        using var stream = new MemoryStream();
        stream.Write("prefix"u8);

        PngEncoder.Encode(image, stream);

        stream.WriteByte(0); // still open
        Assert.Equal(PngEncoder.EncodeToBytes(image), stream.ToArray().AsSpan(6, (int)stream.Length - 7).ToArray());
    }

    [Fact]
    public async Task SaveAsync_writes_a_decodable_file_and_replaces_an_existing_one()
    {
        string path = Path.Combine(_folder, "out.png");
        await File.WriteAllTextAsync(path, new string('x', 100_000));
        RgbImage image = Noise(17, 11, seed: 3);

        await PngEncoder.SaveAsync(image, path);

        Assert.Equal(image.Pixels.ToArray(), (await ImageDecoder.DecodeFileAsync(path)).Pixels.ToArray());
    }

    [Fact]
    public async Task Bad_arguments_throw()
    {
        var image = new RgbImage(2, 2);
        Assert.Throws<ArgumentNullException>(() => PngEncoder.EncodeToBytes(null!));
        Assert.Throws<ArgumentNullException>(() => PngEncoder.Encode(null!, new MemoryStream()));
        Assert.Throws<ArgumentNullException>(() => PngEncoder.Encode(image, null!));
        var e = Assert.Throws<ArgumentException>(() => PngEncoder.Encode(image, new MemoryStream([], writable: false)));
        Assert.Equal("destination", e.ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(() => PngEncoder.SaveAsync(image, null!));
        await Assert.ThrowsAsync<ArgumentException>(() => PngEncoder.SaveAsync(image, ""));
        await Assert.ThrowsAsync<ArgumentNullException>(() => PngEncoder.SaveAsync(null!, Path.Combine(_folder, "a.png")));

        string cancelled = Path.Combine(_folder, "cancelled.png");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PngEncoder.SaveAsync(image, cancelled, new CancellationToken(canceled: true)));
        Assert.False(File.Exists(cancelled));
    }

    private static RgbImage Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        byte[] pixels = new byte[width * height * 3];
        random.NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    private static IEnumerable<(string Type, byte[] Data, bool CrcValid)> Chunks(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int p = 8;
        while (p < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(p));
            byte[] typeAndData = png[(p + 4)..(p + 8 + length)];
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(p + 8 + length));
            yield return (System.Text.Encoding.ASCII.GetString(typeAndData, 0, 4), typeAndData[4..], crc == PngBuilder.Crc(typeAndData));
            p += 12 + length;
        }
    }

    /// <summary>The filter type byte that starts each row of the inflated image data.</summary>
    private static byte[] RowFilters(byte[] png, int width)
    {
        using var compressed = new MemoryStream();
        foreach ((string type, byte[] data, _) in Chunks(png).Where(c => c.Type == "IDAT"))
        {
            compressed.Write(data);
        }

        compressed.Position = 0;
        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.CopyTo(raw);
        }

        byte[] bytes = raw.ToArray();
        int stride = 1 + (3 * width);
        Assert.Equal(0, bytes.Length % stride);
        return [.. Enumerable.Range(0, bytes.Length / stride).Select(y => bytes[y * stride])];
    }
}
