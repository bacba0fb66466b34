namespace VisPruner.Imaging.Tests;

/// <summary>Hostile or broken files end in <see cref="InvalidImageException"/>, never another failure.</summary>
public class HostileInputTests
{
    private static readonly string[] Seeds =
    [
        "png_rgb8.png", "png_pal4_adam7.png", "png_rgba16.png", "png_gray1.png",
        "jpeg_420.jpg", "jpeg_444_progressive.jpg", "jpeg_422_progressive_restart.jpg", "jpeg_420_restart1.jpg",
        "jpeg_cmyk_im.jpg", "jpeg_gray_progressive.jpg", "jpeg_orient6.jpg", "jpeg_411.jpg",
        "bmp_rgb24.bmp", "bmp_pal4.bmp", "bmp_rgb565.bmp",
    ];

    private static readonly ImageDecoderOptions SmallLimit = new() { MaxPixels = 1 << 20 };

    [Fact]
    public void Randomly_corrupted_files_decode_or_throw_InvalidImageException()
    {
        var random = new Random(20241201);
        byte[][] seeds = Seeds.Select(Fixture.Image).ToArray();
        int decoded = 0, rejected = 0;
        for (int i = 0; i < 4000; i++)
        {
            byte[] mutated = Mutate(seeds[i % seeds.Length], random);
            try
            {
                ImageDecoder.Decode(mutated, SmallLimit);
                decoded++;
            }
            catch (InvalidImageException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"Case {i} (seed file {Seeds[i % Seeds.Length]}) threw {e}");
            }
        }

        // Both outcomes must occur, or the mutations are not exercising anything.
        Assert.True(decoded > 100 && rejected > 100, $"decoded {decoded}, rejected {rejected}");
    }

    [Theory]
    [InlineData("png_rgb8_adam7.png")]
    [InlineData("jpeg_420_progressive.jpg")]
    [InlineData("jpeg_422.jpg")]
    [InlineData("bmp_pal8.bmp")]
    public void Every_truncation_is_rejected_or_decoded(string name)
    {
        byte[] data = Fixture.Image(name);
        for (int length = 0; length < data.Length; length++)
        {
            try
            {
                ImageDecoder.Decode(data.AsSpan(0, length));
            }
            catch (InvalidImageException)
            {
            }
        }
    }

    [Theory]
    [InlineData("png_rgb8.png")]
    [InlineData("jpeg_420.jpg")]
    public void Cutting_the_file_in_half_is_reported_as_truncation(string name)
    {
        byte[] data = Fixture.Image(name);
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(data.AsSpan(0, data.Length / 2)));
        Assert.Contains("truncated", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Unknown_signature_is_rejected()
    {
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode("GIF89a\x01\x00\x01\x00"u8));
        Assert.Contains("signature", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode([]));
    }

    [Fact]
    public void Absurd_png_dimensions_are_rejected_before_allocating()
    {
        byte[] png = PngBuilder.Build(("IHDR", PngBuilder.Header(200_000, 200_000)), ("IDAT", PngBuilder.Zlib(new byte[16])), ("IEND", []));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(png));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("MaxPixels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pixel_limit_is_configurable()
    {
        byte[] jpeg = Fixture.Image("jpeg_420.jpg"); // 37x23 = 851 pixels
        Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(jpeg, new ImageDecoderOptions { MaxPixels = 850 }));
        Assert.Equal(37, ImageDecoder.Decode(jpeg, new ImageDecoderOptions { MaxPixels = 851 }).Width);
    }

    [Fact]
    public void Absurd_jpeg_dimensions_are_rejected()
    {
        byte[] jpeg = Fixture.Image("jpeg_444.jpg");
        int sof = IndexOf(jpeg, 0xFF, 0xC0);
        jpeg[sof + 5] = jpeg[sof + 6] = jpeg[sof + 7] = jpeg[sof + 8] = 0xFF; // 65535 x 65535
        Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(jpeg));
    }

    [Fact]
    public void Zlib_bomb_inflates_only_what_the_header_needs()
    {
        // 64 MB of zeros squeezed into ~64 KB, declared as a 4x4 image.
        byte[] bomb = PngBuilder.Zlib(new byte[64 << 20]);
        byte[] png = PngBuilder.Build(("IHDR", PngBuilder.Header(4, 4)), ("IDAT", bomb), ("IEND", []));
        long before = GC.GetAllocatedBytesForCurrentThread();
        RgbImage image = ImageDecoder.Decode(png);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, "inflated far beyond the declared size");
        Assert.Equal(4, image.Width);
    }

    [Fact]
    public void Png_with_bad_crc_is_rejected()
    {
        byte[] png = Fixture.Image("png_rgb8.png");
        png[40] ^= 0x10; // inside IDAT
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(png));
        Assert.Contains("CRC", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversubscribed_huffman_table_is_rejected()
    {
        byte[] jpeg = Fixture.Image("jpeg_420.jpg");
        int dht = IndexOf(jpeg, 0xFF, 0xC4);
        jpeg[dht + 5] = 3; // three 1-bit codes cannot exist
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(jpeg));
        Assert.Contains("Huffman", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arithmetic_coded_jpeg_is_rejected_as_unsupported()
    {
        byte[] jpeg = Fixture.Image("jpeg_444.jpg");
        jpeg[IndexOf(jpeg, 0xFF, 0xC0) + 1] = 0xC9;
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(jpeg));
        Assert.Contains("not supported", e.Message, StringComparison.Ordinal);
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var data = new List<byte>(source);
        int edits = random.Next(1, 5);
        for (int e = 0; e < edits && data.Count > 0; e++)
        {
            int pos = random.Next(data.Count);
            switch (random.Next(5))
            {
                case 0:
                    data[pos] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data.RemoveRange(pos, data.Count - pos);
                    break;
                case 2:
                    data.InsertRange(pos, Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256)));
                    break;
                case 3:
                    data.RemoveRange(pos, Math.Min(random.Next(1, 17), data.Count - pos));
                    break;
                default:
                    data[pos] = (byte)random.Next(256);
                    break;
            }
        }

        return [.. data];
    }

    private static int IndexOf(byte[] data, byte a, byte b)
    {
        for (int i = 0; i + 1 < data.Length; i++)
        {
            if (data[i] == a && data[i + 1] == b)
            {
                return i;
            }
        }

        throw new InvalidOperationException("marker not found");
    }
}
