namespace VisPruner.Imaging.Tests;

/// <summary>
/// Hostile or broken files end in <see cref="InvalidImageException"/> or decode, never another failure, a hang or a
/// large allocation. (Native memory is measured in a child process by <see cref="MemoryTests"/>.)
/// </summary>
public class HostileInputTests
{
    private static readonly ImageDecoderOptions SmallLimit = new() { MaxPixels = 1 << 20 };

    [Fact]
    public void Randomly_corrupted_files_decode_or_throw_InvalidImageException()
    {
        var random = new Random(20241201);
        byte[][] seeds = Mutator.Seeds.Select(Fixture.Image).ToArray();
        int decoded = 0, rejected = 0;
        for (int i = 0; i < 4000; i++)
        {
            byte[] mutated = Mutator.Mutate(seeds[i % seeds.Length], random);
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
                Assert.Fail($"Case {i} (seed file {Mutator.Seeds[i % seeds.Length]}) threw {e}");
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
    [InlineData("gif_animated.gif")]
    [InlineData("webp_lossy.webp")]
    [InlineData("webp_lossless.webp")]
    [InlineData("ico_png.ico")]
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
    [InlineData("gif_static.gif")]
    [InlineData("webp_lossless.webp")]
    public void Cutting_the_file_in_half_is_reported_as_truncation_or_corruption(string name)
    {
        byte[] data = Fixture.Image(name);
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(data.AsSpan(0, data.Length / 2)));
        Assert.Matches("truncated|corrupt|invalid", e.Message);
    }

    [Fact]
    public void Empty_and_garbage_are_rejected_and_say_so()
    {
        Assert.Contains("empty", Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode([])).Message, StringComparison.Ordinal);
        var random = new Random(5);
        byte[] garbage = new byte[4096];
        random.NextBytes(garbage);
        garbage[0] = 0x42; // not a signature byte of any supported format
        var e = Assert.Throws<UnsupportedImageFormatException>(() => ImageDecoder.Decode(garbage));
        Assert.Contains("Unrecognised image data", e.Message, StringComparison.Ordinal);
        Assert.Contains("PNG, JPEG, WebP, GIF, BMP or ICO", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TIFF", new byte[] { 0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0 })]
    [InlineData("TIFF", new byte[] { 0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8 })]
    [InlineData("HEIF/HEIC", new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63, 0, 0, 0, 0 })]
    [InlineData("AVIF", new byte[] { 0, 0, 0, 0x1C, 0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66, 0, 0, 0, 0 })]
    [InlineData("JPEG XL", new byte[] { 0xFF, 0x0A, 0xFA, 0x7F })]
    [InlineData("JPEG XL", new byte[] { 0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A })]
    [InlineData("JPEG 2000", new byte[] { 0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A })]
    [InlineData("PSD", new byte[] { 0x38, 0x42, 0x50, 0x53, 0, 1 })]
    [InlineData("PDF", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37 })]
    [InlineData("SVG", new byte[] { 0x3C, 0x73, 0x76, 0x67, 0x20, 0x78, 0x3D, 0x22, 0x31, 0x22, 0x3E })]
    public void Unsupported_formats_are_named(string format, byte[] start)
    {
        var e = Assert.Throws<UnsupportedImageFormatException>(() => ImageDecoder.Decode(start));
        Assert.StartsWith($"{format}", e.Message, StringComparison.Ordinal);
        Assert.Contains("not supported; send PNG, JPEG, WebP, GIF, BMP or ICO.", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]> HeaderOnlyFiles => new()
    {
        { "PNG 10000x10000", HostileFiles.PngHeaderOnly(10_000, 10_000) },
        { "PNG 1-bit 10000x10000", HostileFiles.PngHeaderOnly(10_000, 10_000, depth: 1, colorType: 0) },
        { "progressive JPEG 10000x10000", HostileFiles.JpegClaiming("jpeg_444_progressive.jpg", 10_000, 10_000) },
        { "baseline JPEG 10000x10000", HostileFiles.JpegClaiming("jpeg_420.jpg", 10_000, 10_000) },
        { "GIF 10000x10000", HostileFiles.GifHeaderOnly(10_000, 10_000) },
        { "BMP 10000x10000", HostileFiles.BmpHeaderOnly(10_000, 10_000) },
        { "WebP 10000x10000", HostileFiles.WebPHeaderOnly(10_000, 10_000) },
    };

    [Theory]
    [MemberData(nameof(HeaderOnlyFiles))]
    public void Header_only_files_declaring_huge_images_are_rejected_without_allocating(string what, byte[] file)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(file));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 2 << 20, $"{what}: {allocated:N0} managed bytes allocated before the rejection ({e.Message})");
    }

    [Fact]
    public void Degenerate_aspect_ratio_is_refused_by_its_limit()
    {
        // The 12 KB 1-bit PNG of 100,000,000 x 1 and a tamer 20,000 x 10 one.
        foreach (byte[] png in new[] { HostileFiles.PngHeaderOnly(100_000_000, 1, depth: 1, colorType: 0), HostileFiles.PngHeaderOnly(20_000, 10) })
        {
            var e = Assert.ThrowsAny<InvalidImageException>(() => ImageDecoder.Identify(png));
            Assert.Contains("ImageDecoderOptions.MaxAspectRatio", e.Message, StringComparison.Ordinal);
            Assert.Equal("MaxAspectRatio", Assert.IsType<ImageLimitExceededException>(e).OptionName);
        }
    }

    [Fact]
    public void Absurd_dimensions_are_refused_by_the_pixel_limit_before_allocating()
    {
        byte[] png = HostileFiles.PngHeaderOnly(200_000, 200_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageLimitExceededException>(() => ImageDecoder.Decode(png));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("ImageDecoderOptions.MaxPixels", e.Message, StringComparison.Ordinal);
        Assert.Equal("MaxPixels", e.OptionName);

        byte[] jpeg = HostileFiles.JpegClaiming("jpeg_444.jpg", 65_535, 65_535);
        Assert.Equal("MaxPixels", Assert.Throws<ImageLimitExceededException>(() => ImageDecoder.Decode(jpeg)).OptionName);
    }

    [Fact]
    public void Limits_are_configurable()
    {
        byte[] jpeg = Fixture.Image("jpeg_420.jpg"); // 37x23 = 851 pixels, 2,8 KB
        Assert.Equal("MaxPixels", Assert.Throws<ImageLimitExceededException>(() => ImageDecoder.Decode(jpeg, new ImageDecoderOptions { MaxPixels = 850 })).OptionName);
        Assert.Equal(37, ImageDecoder.Decode(jpeg, new ImageDecoderOptions { MaxPixels = 851 }).Width);
        Assert.Equal("MaxAspectRatio", Assert.Throws<ImageLimitExceededException>(() => ImageDecoder.Decode(jpeg, new ImageDecoderOptions { MaxAspectRatio = 1.5 })).OptionName);
        Assert.Equal(37, ImageDecoder.Decode(jpeg, new ImageDecoderOptions { MaxAspectRatio = 37.0 / 23 }).Width);
        var e = Assert.Throws<ImageLimitExceededException>(() => ImageDecoder.Decode(jpeg, new ImageDecoderOptions { MaxEncodedBytes = jpeg.Length - 1 }));
        Assert.Contains("ImageDecoderOptions.MaxEncodedBytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(37, ImageDecoder.Decode(jpeg, new ImageDecoderOptions { MaxEncodedBytes = jpeg.Length }).Width);
    }

    [Fact]
    public void Invalid_limits_are_rejected_when_set()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageDecoderOptions { MaxPixels = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageDecoderOptions { MaxAspectRatio = 0.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageDecoderOptions { MaxAspectRatio = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageDecoderOptions { MaxEncodedBytes = -1 });
    }

    [Fact]
    public void Zlib_bomb_inflates_only_what_the_header_needs()
    {
        // 64 MB of zeros squeezed into ~64 KB, declared as a 4x4 image.
        byte[] png = HostileFiles.PngZlibBomb(64 << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        RgbImage image = ImageDecoder.Decode(png);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, "inflated far beyond the declared size");
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds < 2);
        Assert.Equal(4, image.Width);
    }

    [Fact]
    public void Png_with_wrong_crcs_decodes_like_pillow_or_is_rejected()
    {
        // Pillow and libpng (as Skia configures it) skip the CRC of pixel data: the image decodes unchanged.
        byte[] png = Fixture.Image("png_rgb8.png");
        int idat = png.AsSpan().IndexOf("IDAT"u8);
        int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(idat - 4));
        png[idat + 4 + length] ^= 0x10;
        Assert.Equal(Fixture.ExpectedRgb("png_rgb8.png"), ImageDecoder.Decode(png).Pixels.ToArray());

        // A wrong header CRC may be refused; if not, the pixels must still be right.
        png = Fixture.Image("png_rgb8.png");
        png[29] ^= 0x10; // IHDR's CRC
        try
        {
            Assert.Equal(Fixture.ExpectedRgb("png_rgb8.png"), ImageDecoder.Decode(png).Pixels.ToArray());
        }
        catch (InvalidImageException)
        {
        }
    }

    [Fact]
    public void Missing_end_markers_are_handled_like_pillow()
    {
        // Pillow decodes a PNG whose IEND is missing, and refuses a JPEG cut before EOI ("image file is truncated").
        byte[] png = Fixture.Image("png_rgb8.png");
        Assert.Equal(Fixture.ExpectedRgb("png_rgb8.png"), ImageDecoder.Decode(png.AsSpan(0, png.Length - 12)).Pixels.ToArray());
        byte[] jpeg = Fixture.Image("jpeg_420.jpg");
        Assert.Contains("truncated", Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(jpeg.AsSpan(0, jpeg.Length - 2))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_icc_profiles_are_ignored_or_rejected_with_bounded_allocation()
    {
        foreach (byte[] file in new[] { HostileFiles.PngWithHugeIccProfile(16 << 20), HostileFiles.JpegWithHugeIccProfile(200) })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                RgbImage image = ImageDecoder.Decode(file);
                Assert.Equal((37, 23), (image.Width, image.Height));
            }
            catch (InvalidImageException)
            {
            }

            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 2 << 20);
        }
    }

    [Theory]
    [InlineData(0xC4, 5, 3)] // three 1-bit Huffman codes cannot exist
    [InlineData(0xC0, 1, 0xC9)] // arithmetic coding declared over Huffman data
    [InlineData(0xC0, 9, 0)] // a component count of zero
    public void Corrupt_jpeg_headers_are_rejected_or_decoded(byte marker, int offset, byte value)
    {
        byte[] jpeg = Fixture.Image("jpeg_420.jpg");
        jpeg[HostileFiles.IndexOfMarker(jpeg, marker) + offset] = value;
        try
        {
            RgbImage image = ImageDecoder.Decode(jpeg);
            Assert.Equal((37, 23), (image.Width, image.Height));
        }
        catch (InvalidImageException)
        {
        }
    }

    [Fact]
    public void Icons_larger_than_the_format_allows_are_refused()
    {
        byte[] ico = Fixture.Image("ico_png.ico");
        Assert.Equal(ImageFormat.Ico, ImageDecoder.Identify(ico).Format);

        // Point the icon directory at a PNG far larger than 256x256.
        byte[] png = HostileFiles.PngHeaderOnly(1000, 1000);
        byte[] forged = [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 32, 0, .. BitConverter.GetBytes(png.Length), 22, 0, 0, 0, .. png];
        var e = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(forged));
        Assert.Contains("256x256", e.Message, StringComparison.Ordinal);
    }
}
