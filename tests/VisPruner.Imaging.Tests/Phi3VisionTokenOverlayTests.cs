using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Imaging.Tests;

/// <summary>The overlay shows kept tokens at full colour and dropped ones darkened, at the right pixels.</summary>
public class Phi3VisionTokenOverlayTests
{
    private static readonly Phi3VisionImageProcessor FourCrops = new(new Phi3VisionProcessorOptions { NumCrops = 4 });

    [Fact]
    public void Portrait_cells_map_to_hand_computed_pixels()
    {
        // 300x500, 4 crops: resized to 403x672 at x = 134 of a 672x672 canvas. Sub-image token (10, 10) covers canvas
        // x and y 280..308, which holds the centres of pixels x 109..129 ((2x + 1) * 403 >= 2 * 146 * 300) and y 208..228.
        RgbImage image = Colourful(300, 500);
        Phi3VisionImageLayout layout = FourCrops.GetLayout(300, 500);
        HashSet<int> kept = [IndexOf(layout, Phi3VisionTokenKind.SubImagePatch, 10, 10)];

        RgbImage overlay = Phi3VisionTokenOverlay.Render(image, layout, kept, new Phi3VisionTokenOverlayOptions { OutlineWidth = 1, ShowGlobalView = false });

        Assert.Equal((300, 500), (overlay.Width, overlay.Height));
        Assert.Equal(Pixel(image, 119, 218), Pixel(overlay, 119, 218)); // centre
        Assert.Equal(Pixel(image, 110, 209), Pixel(overlay, 110, 209)); // just inside the outline
        Assert.Equal(Amber, Pixel(overlay, 109, 218)); // left edge, outlined
        Assert.Equal(Amber, Pixel(overlay, 129, 228)); // bottom-right corner, outlined
        foreach ((int x, int y) in new[] { (108, 218), (130, 218), (119, 207), (119, 229), (20, 20), (280, 480) })
        {
            AssertDarkened(Pixel(image, x, y), Pixel(overlay, x, y), $"({x},{y})");
        }
    }

    [Fact]
    public void Without_outline_the_whole_kept_cell_keeps_its_colour()
    {
        RgbImage image = Colourful(300, 500);
        Phi3VisionImageLayout layout = FourCrops.GetLayout(300, 500);
        HashSet<int> kept = [IndexOf(layout, Phi3VisionTokenKind.SubImagePatch, 10, 10)];

        RgbImage overlay = Phi3VisionTokenOverlay.Render(image, layout, kept, new Phi3VisionTokenOverlayOptions { OutlineWidth = 0, ShowGlobalView = false });

        for (int y = 208; y < 229; y++)
        {
            Assert.Equal(image.GetRow(y).Slice(3 * 109, 3 * 21).ToArray(), overlay.GetRow(y).Slice(3 * 109, 3 * 21).ToArray());
        }

        AssertDarkened(Pixel(image, 130, 218), Pixel(overlay, 130, 218), "right neighbour");
    }

    [Theory]
    [InlineData(600, 400, 4)]
    [InlineData(300, 500, 4)]
    [InlineData(37, 23, 16)]
    [InlineData(1, 1, 16)]
    [InlineData(2000, 7, 16)]
    public void Keeping_every_row_leaves_the_image_untouched(int width, int height, int numCrops)
    {
        RgbImage image = Colourful(width, height);
        Phi3VisionImageLayout layout = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = numCrops }).GetLayout(width, height);

        RgbImage overlay = Phi3VisionTokenOverlay.Render(image, layout, Enumerable.Range(0, layout.NumImageTokens).ToHashSet());

        for (int y = 0; y < height; y++)
        {
            Assert.Equal(image.GetRow(y).ToArray(), overlay.GetRow(y)[..(3 * width)].ToArray());
        }
    }

    [Fact]
    public void Keeping_only_separators_darkens_everything()
    {
        RgbImage image = Colourful(600, 400);
        Phi3VisionImageLayout layout = FourCrops.GetLayout(600, 400);
        HashSet<int> separators = [.. Enumerable.Range(0, layout.NumImageTokens).Where(i => layout.GetToken(i).Kind is not (Phi3VisionTokenKind.SubImagePatch or Phi3VisionTokenKind.GlobalPatch))];

        RgbImage overlay = Phi3VisionTokenOverlay.Render(image, layout, separators);

        Assert.Equal(Phi3VisionTokenOverlay.Render(image, layout, new HashSet<int>()).Pixels.ToArray(), overlay.Pixels.ToArray());
        for (int y = 0; y < 400; y += 7)
        {
            for (int x = 0; x < 600; x += 7)
            {
                AssertDarkened(Pixel(image, x, y), Pixel(overlay, x, y), $"({x},{y})");
            }
        }
    }

    [Fact]
    public void Global_view_panel_marks_its_twelve_by_twelve_tokens()
    {
        // 600x400, 4 crops: canvas 672x672 with the image at y 112..560. Height 400 gives a 192-px panel (16-px
        // cells) at the right edge; the image fills panel rows 32..159, white padding the rest.
        var image = new RgbImage(600, 400);
        for (int i = 0; i < image.Pixels.Length; i += 3)
        {
            image.Pixels[i] = 200;
            image.Pixels[i + 1] = 40;
            image.Pixels[i + 2] = 40;
        }

        Phi3VisionImageLayout layout = FourCrops.GetLayout(600, 400);
        HashSet<int> kept = [IndexOf(layout, Phi3VisionTokenKind.GlobalPatch, 5, 5), IndexOf(layout, Phi3VisionTokenKind.GlobalPatch, 0, 0)];

        RgbImage overlay = Phi3VisionTokenOverlay.Render(image, layout, kept);

        Assert.Equal(400, overlay.Height);
        int left = overlay.Width - 192;
        Assert.True(left >= 600 + 4);
        Assert.Equal(Rgb(200, 40, 40), Pixel(overlay, left + 88, 88)); // kept content token
        Assert.Equal(Rgb(255, 255, 255), Pixel(overlay, left + 8, 8)); // kept padding token
        Assert.Equal(Rgb(89, 89, 89), Pixel(overlay, left + 24, 8)); // dropped padding: white at 0.35
        Assert.Equal(Rgb(31, 31, 31), Pixel(overlay, left + 104, 88)); // dropped content: luma 88 at 0.35
        Assert.Equal(Rgb(89, 89, 89), Pixel(overlay, left + 40, 31)); // last padding row above the image
        Assert.Equal(Rgb(31, 31, 31), Pixel(overlay, left + 40, 32)); // first image row
        Assert.Equal(Rgb(31, 31, 31), Pixel(overlay, left + 40, 159)); // last image row
        Assert.Equal(Rgb(89, 89, 89), Pixel(overlay, left + 40, 160)); // padding below
        Assert.Equal(Amber, Pixel(overlay, left + 80, 88)); // outline on the kept token's left edge
        Assert.Equal(Rgb(31, 31, 31), Pixel(overlay, 300, 200)); // no sub-image token kept
    }

    [Fact]
    public void Output_is_deterministic_and_the_panel_is_optional()
    {
        RgbImage image = Colourful(200, 150);
        Phi3VisionImageLayout layout = FourCrops.GetLayout(200, 150);
        HashSet<int> kept = [.. Enumerable.Range(0, layout.NumImageTokens).Where(i => i % 3 == 0)];

        RgbImage first = Phi3VisionTokenOverlay.Render(image, layout, kept);
        RgbImage second = Phi3VisionTokenOverlay.Render(image, layout, kept);
        RgbImage plain = Phi3VisionTokenOverlay.Render(image, layout, kept, new Phi3VisionTokenOverlayOptions { ShowGlobalView = false });

        Assert.Equal(first.Pixels.ToArray(), second.Pixels.ToArray());
        Assert.True(first.Width > 200);
        Assert.Equal((200, 150), (plain.Width, plain.Height));
        for (int y = 0; y < 150; y++)
        {
            Assert.Equal(plain.GetRow(y).ToArray(), first.GetRow(y)[..600].ToArray());
        }
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        var image = new RgbImage(600, 400);
        Phi3VisionImageLayout layout = FourCrops.GetLayout(600, 400);
        Assert.Throws<ArgumentNullException>(() => Phi3VisionTokenOverlay.Render(null!, layout, new HashSet<int>()));
        Assert.Throws<ArgumentNullException>(() => Phi3VisionTokenOverlay.Render(image, layout, null!));
        Assert.Equal("layout", Assert.Throws<ArgumentException>(() => Phi3VisionTokenOverlay.Render(new RgbImage(600, 100), layout, new HashSet<int>())).ParamName);
        Assert.Equal("keptRows", Assert.Throws<ArgumentOutOfRangeException>(() => Phi3VisionTokenOverlay.Render(image, layout, new HashSet<int> { layout.NumImageTokens })).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Phi3VisionTokenOverlay.Render(image, layout, new HashSet<int> { -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Phi3VisionTokenOverlay.Render(image, layout, new HashSet<int>(), new Phi3VisionTokenOverlayOptions { DroppedBrightness = 1.5f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Phi3VisionTokenOverlay.Render(image, layout, new HashSet<int>(), new Phi3VisionTokenOverlayOptions { DroppedBrightness = float.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Phi3VisionTokenOverlay.Render(image, layout, new HashSet<int>(), new Phi3VisionTokenOverlayOptions { OutlineWidth = -1 }));
    }

    private static (byte, byte, byte) Amber => Rgb(255, 191, 0);

    private static (byte, byte, byte) Rgb(byte r, byte g, byte b) => (r, g, b);

    private static (byte R, byte G, byte B) Pixel(RgbImage image, int x, int y)
    {
        ReadOnlySpan<byte> p = image.GetRow(y).Slice(3 * x, 3);
        return (p[0], p[1], p[2]);
    }

    private static void AssertDarkened((byte R, byte G, byte B) original, (byte R, byte G, byte B) actual, string where)
    {
        int luma = ((77 * original.R) + (150 * original.G) + (29 * original.B) + 128) >> 8;
        Assert.True(actual.R == actual.G && actual.G == actual.B, $"{where}: {actual} is not grey");
        Assert.True(actual.R <= (luma / 2) + 1 && luma > 40, $"{where}: {actual} is not darker than luma {luma}");
    }

    /// <summary>Bright, varied colours everywhere, so darkening and greying are always visible.</summary>
    private static RgbImage Colourful(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = image.GetRow(y);
            for (int x = 0; x < width; x++)
            {
                row[3 * x] = (byte)(128 + (x % 128));
                row[(3 * x) + 1] = (byte)(96 + (y % 160));
                row[(3 * x) + 2] = (byte)(200 - ((x + y) % 100));
            }
        }

        return image;
    }

    private static int IndexOf(Phi3VisionImageLayout layout, Phi3VisionTokenKind kind, int row, int column) =>
        Enumerable.Range(0, layout.NumImageTokens).Single(i => layout.GetToken(i) == new Phi3VisionToken(kind, row, column));
}
