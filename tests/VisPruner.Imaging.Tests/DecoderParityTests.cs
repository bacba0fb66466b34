namespace VisPruner.Imaging.Tests;

/// <summary>Every fixture decodes to the RGB Pillow (libpng / libjpeg-turbo) produced for it.</summary>
public class DecoderParityTests
{
    /// <summary>
    /// JPEG tolerance against libjpeg-turbo 2.1 (ISLOW IDCT, fancy upsampling): the decoder reproduces that
    /// integer arithmetic, so every fixture must match exactly.
    /// </summary>
    private const int JpegTolerance = 0;

    public static TheoryData<string> PngFiles => Fixture.Names("png_");

    public static TheoryData<string> JpegFiles => Fixture.Names("jpeg_");

    public static TheoryData<string> BmpFiles => Fixture.Names("bmp_");

    [Theory]
    [MemberData(nameof(PngFiles))]
    public void Png_matches_pillow_exactly(string name) => AssertMatches(name, 0);

    [Theory]
    [MemberData(nameof(BmpFiles))]
    public void Bmp_matches_pillow_exactly(string name) => AssertMatches(name, 0);

    [Theory]
    [MemberData(nameof(JpegFiles))]
    public void Jpeg_matches_libjpeg_turbo_within_tolerance(string name) => AssertMatches(name, JpegTolerance);

    [Fact]
    public void Format_is_detected_from_signature()
    {
        Assert.Equal(ImageFormat.Png, ImageDecoder.DetectFormat(Fixture.Image("png_rgb8.png")));
        Assert.Equal(ImageFormat.Jpeg, ImageDecoder.DetectFormat(Fixture.Image("jpeg_420.jpg")));
        Assert.Equal(ImageFormat.Bmp, ImageDecoder.DetectFormat(Fixture.Image("bmp_rgb24.bmp")));
        Assert.Equal(ImageFormat.Unknown, ImageDecoder.DetectFormat("GIF89a"u8));
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
    public async Task DecodeFileAsync_reads_the_file()
    {
        string path = Path.Combine(Fixture.Root, "images", "png_rgb8.png");
        RgbImage image = await ImageDecoder.DecodeFileAsync(path);
        Assert.Equal(Fixture.ExpectedRgb("png_rgb8.png"), image.Pixels.ToArray());
    }

    private static void AssertMatches(string name, int tolerance)
    {
        int[] size = Fixture.Manifest[name];
        RgbImage image = ImageDecoder.Decode(Fixture.Image(name));
        Assert.Equal((size[0], size[1]), (image.Width, image.Height));
        byte[] expected = Fixture.ExpectedRgb(name);
        ReadOnlySpan<byte> actual = image.Pixels;
        int worst = 0, at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            int diff = Math.Abs(expected[i] - actual[i]);
            if (diff > worst)
            {
                worst = diff;
                at = i;
            }
        }

        Assert.True(worst <= tolerance, $"{name}: max abs diff {worst} at pixel ({at / 3 % size[0]}, {at / 3 / size[0]}) channel {at % 3}; tolerance {tolerance}.");
    }
}
