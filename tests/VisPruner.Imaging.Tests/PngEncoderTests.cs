using System.Buffers.Binary;
using System.Security.Cryptography;
using VisPruner.Imaging.Png;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// The PNG encoder's files decode to exactly the pixels encoded, with the decoder for many sizes and with Pillow for a
/// committed file the encoder wrote (see Fixtures/README.md).
/// </summary>
public sealed class PngEncoderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("png-encoder-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 9)]
    [InlineData(9, 1)]
    [InlineData(2, 3)]
    [InlineData(37, 23)]
    [InlineData(255, 3)]
    [InlineData(300, 200)]
    public void Round_trip_through_the_decoder_is_exact(int width, int height)
    {
        RgbImage image = Noise(width, height, seed: (width * 1000) + height);

        byte[] png = PngEncoder.EncodeToBytes(image);

        RgbImage decoded = ImageDecoder.Decode(png);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        Assert.Equal(image.Pixels.ToArray(), decoded.Pixels.ToArray());
    }

    [Fact]
    public void Committed_encoder_output_decodes_in_pillow_to_the_sample_image()
    {
        byte[] committed = File.ReadAllBytes(Path.Combine(Fixture.Root, "encoder", "encoder_sample.png"));
        string pillowSha256 = File.ReadAllText(Path.Combine(Fixture.Root, "encoder", "encoder_sample.png.sha256")).Trim();
        RgbImage sample = EncoderSample.Create();

        // Pillow read exactly the pixels the encoder was given.
        Assert.Equal(pillowSha256, Convert.ToHexStringLower(SHA256.HashData(sample.Pixels)));

        // Today's encoder writes the same header and the same pixels.
        byte[] current = PngEncoder.EncodeToBytes(sample);
        Assert.Equal(committed.AsSpan(0, 33).ToArray(), current.AsSpan(0, 33).ToArray()); // signature + IHDR
        Assert.Equal(sample.Pixels.ToArray(), ImageDecoder.Decode(committed).Pixels.ToArray());
        Assert.Equal(sample.Pixels.ToArray(), ImageDecoder.Decode(current).Pixels.ToArray());
    }

    [Fact]
    public void File_is_8_bit_truecolour_without_colour_profile_and_compresses()
    {
        RgbImage sample = EncoderSample.Create();
        byte[] png = PngEncoder.EncodeToBytes(sample);

        var chunks = Chunks(png).ToList();
        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal("IEND", chunks[^1].Type);
        Assert.DoesNotContain(chunks, c => c.Type is "iCCP" or "sRGB" or "gAMA" or "cHRM");
        Assert.All(chunks, c => Assert.True(c.CrcValid, $"{c.Type} CRC"));
        byte[] expectedHeader = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(expectedHeader, EncoderSample.Width);
        BinaryPrimitives.WriteInt32BigEndian(expectedHeader.AsSpan(4), EncoderSample.Height);
        expectedHeader[8] = 8; // bit depth
        expectedHeader[9] = 2; // truecolour, no alpha; compression, filter and interlace 0
        Assert.Equal(expectedHeader, chunks[0].Data);
        Assert.True(png.Length < sample.Pixels.Length * 6 / 10, $"{png.Length} bytes for {sample.Pixels.Length} bytes of samples, 3/8 of them noise");
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
}
