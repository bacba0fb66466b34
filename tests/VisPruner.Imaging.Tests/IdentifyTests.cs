namespace VisPruner.Imaging.Tests;

/// <summary><see cref="ImageDecoder.Identify"/> reads what <see cref="ImageDecoder.Decode"/> will produce, from the header alone.</summary>
public class IdentifyTests
{
    public static TheoryData<string> Fixtures => Fixture.Names("");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Upright_size_is_the_decoded_size(string name)
    {
        ImageHeader header = ImageDecoder.Identify(Fixture.Image(name));
        int[] decoded = Fixture.Manifest[name];
        Assert.Equal((decoded[0], decoded[1]), (header.UprightWidth, header.UprightHeight));
        Assert.Equal(header.Width * (long)header.Height, header.PixelCount);
        Assert.Equal(ImageDecoder.DetectFormat(Fixture.Image(name)), header.Format);
    }

    [Theory]
    [InlineData("jpeg_orient2.jpg", 2)]
    [InlineData("jpeg_orient5.jpg", 5)]
    [InlineData("jpeg_orient8.jpg", 8)]
    [InlineData("png_orient6.png", 6)]
    [InlineData("webp_orient6.webp", 6)]
    [InlineData("jpeg_420.jpg", 1)]
    [InlineData("gif_static.gif", 1)]
    public void Orientation_is_read_from_the_exif_data(string name, int orientation)
    {
        ImageHeader header = ImageDecoder.Identify(Fixture.Image(name));
        Assert.Equal(orientation, header.Orientation);
        Assert.Equal(orientation >= 5, header.SwapsAxes);
        Assert.Equal((37, 23), (header.Width, header.Height));
    }

    [Theory]
    [InlineData("png_rgb8.png", ImageFormat.Png)]
    [InlineData("jpeg_420.jpg", ImageFormat.Jpeg)]
    [InlineData("bmp_rgb24.bmp", ImageFormat.Bmp)]
    [InlineData("gif_static.gif", ImageFormat.Gif)]
    [InlineData("webp_lossy.webp", ImageFormat.WebP)]
    [InlineData("ico_png.ico", ImageFormat.Ico)]
    public void Format_is_detected_from_the_signature(string name, ImageFormat format)
    {
        Assert.Equal(format, ImageDecoder.DetectFormat(Fixture.Image(name)));
        Assert.Equal(ImageFormat.Unknown, ImageDecoder.DetectFormat("II*\0"u8));
    }

    [Fact]
    public void A_100_megapixel_header_is_identified_without_decoding()
    {
        byte[] jpeg = LargeImages.FlatJpeg(10_000, 10_000, 3, progressive: true);
        ImageDecoder.Identify(LargeImages.FlatJpeg(16, 16, 3, progressive: true)); // loads the native codec library first

        // Decoding the file takes seconds; the bound leaves room for a busy machine's scheduling.
        long before = GC.GetAllocatedBytesForCurrentThread();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();

        ImageHeader header = ImageDecoder.Identify(jpeg);

        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds < 500);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 10);
        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 10_000, 10_000, 1), header);
    }
}
