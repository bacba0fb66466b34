using System.Drawing;
using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Imaging.Tests;

/// <summary>The published HD geometry agrees with the processor's own pixels and maps token cells to the right pixels.</summary>
public class Phi3VisionGeometryTests
{
    [Theory]
    [InlineData(600, 400, 4)]
    [InlineData(400, 600, 4)]
    [InlineData(300, 500, 4)] // portrait with padding left and right
    [InlineData(1000, 100, 16)]
    [InlineData(100, 1000, 16)]
    [InlineData(37, 23, 16)]
    [InlineData(2000, 7, 16)]
    public void Padding_is_exactly_where_the_processor_paints_white(int width, int height, int numCrops)
    {
        var processor = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = numCrops });
        var image = new RgbImage(width, height);
        for (int i = 0; i < image.Pixels.Length; i += 3)
        {
            image.Pixels[i] = 10; // red well away from white's 255
        }

        float[] values = processor.Process(image).PixelValues.ToArray();
        Phi3VisionImageGeometry g = processor.GetGeometry(width, height);

        Assert.Equal(width < height, g.Transposed);
        Assert.Equal((width, height), (g.SourceWidth, g.SourceHeight));
        Assert.True(g.OffsetX == 0 || g.OffsetY == 0);
        float white = Normalized(255), content = Normalized(10);
        Phi3VisionImageLayout layout = g.Layout;
        for (int y = 0; y < layout.Height; y++)
        {
            for (int x = 0; x < layout.Width; x++)
            {
                int slot = 1 + ((y / 336) * layout.CropColumns) + (x / 336);
                float red = values[(slot * 3 * 336 * 336) + ((y % 336) * 336) + (x % 336)];
                bool inside = x >= g.OffsetX && x < g.OffsetX + g.ResizedWidth && y >= g.OffsetY && y < g.OffsetY + g.ResizedHeight;
                if (red != (inside ? content : white))
                {
                    Assert.Fail($"canvas ({x},{y}) inside={inside}: red {red}");
                }
            }
        }
    }

    [Fact]
    public void Portrait_token_cells_map_to_hand_computed_pixels()
    {
        // 300x500, 4 crops: transposed, resized to 403x672, 134 px of white on the left of a 672x672 canvas.
        Phi3VisionImageGeometry g = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 4 }).GetGeometry(300, 500);
        Assert.Equal((true, 403, 672, 134, 0), (g.Transposed, g.ResizedWidth, g.ResizedHeight, g.OffsetX, g.OffsetY));
        Assert.Equal(new Phi3VisionImageLayout(672, 672), g.Layout);

        // Sub-image column 4 spans canvas x 112..140: pixels 0..3 (pixel 4's centre is at 134 + 4.5 * 403 / 300 = 140.04).
        // Row 0 spans canvas y 0..28: pixels 0..20 (20.5 * 672 / 500 = 27.55).
        Assert.Equal(new Rectangle(0, 0, 4, 21), g.GetSourceRegion(new(Phi3VisionTokenKind.SubImagePatch, 0, 4)));
        Assert.Equal(Rectangle.Empty, g.GetSourceRegion(new(Phi3VisionTokenKind.SubImagePatch, 5, 3))); // padding
        Assert.Equal(new Rectangle(296, 0, 4, 21), g.GetSourceRegion(new(Phi3VisionTokenKind.SubImagePatch, 0, 19)));
        Assert.Equal(Rectangle.Empty, g.GetSourceRegion(new(Phi3VisionTokenKind.SubImagePatch, 0, 20)));

        // Global cells are 56 canvas px: column 2 (112..168) holds pixels 0..24, row 0 pixels 0..41.
        Assert.Equal(new Rectangle(0, 0, 25, 42), g.GetSourceRegion(new(Phi3VisionTokenKind.GlobalPatch, 0, 2)));
        Assert.Equal(Rectangle.Empty, g.GetSourceRegion(new(Phi3VisionTokenKind.GlobalPatch, 11, 1)));

        Assert.Equal((134.0, 0.0), g.SourceToCanvas(0, 0));
        Assert.Equal((300.0, 500.0), g.CanvasToSource(537, 672));
    }

    [Theory]
    [InlineData(700, 500, 4)] // shrunk
    [InlineData(30, 50, 16)] // enlarged: some cells hold no pixel centre
    [InlineData(2000, 7, 16)]
    public void Every_pixel_lies_in_exactly_one_cell_of_each_grid(int width, int height, int numCrops)
    {
        Phi3VisionImageGeometry g = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = numCrops }).GetGeometry(width, height);
        foreach (Phi3VisionTokenKind kind in new[] { Phi3VisionTokenKind.SubImagePatch, Phi3VisionTokenKind.GlobalPatch })
        {
            int[] coverage = new int[width * height];
            foreach (Phi3VisionToken token in Enumerable.Range(0, g.Layout.NumImageTokens).Select(g.Layout.GetToken).Where(t => t.Kind == kind))
            {
                Rectangle r = g.GetSourceRegion(token);
                for (int y = r.Top; y < r.Bottom; y++)
                {
                    for (int x = r.Left; x < r.Right; x++)
                    {
                        coverage[(y * width) + x]++;
                    }
                }
            }

            Assert.All(coverage, c => Assert.Equal(1, c));
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(600, 400)]
    [InlineData(400, 600)]
    [InlineData(40_000, 1)]
    [InlineData(3, 5000)]
    public void Geometry_is_recovered_from_the_layout_alone(int width, int height)
    {
        foreach (int numCrops in new[] { 1, 4, 16 })
        {
            var processor = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = numCrops });
            Phi3VisionImageGeometry g = processor.GetGeometry(width, height);
            Assert.Equal(processor.GetLayout(width, height), g.Layout);
            Assert.Equal(g, Phi3VisionImageGeometry.FromLayout(width, height, g.Layout));
        }
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        Phi3VisionImageGeometry g = new Phi3VisionImageProcessor().GetGeometry(600, 400);
        Assert.Throws<ArgumentException>(() => Phi3VisionImageGeometry.FromLayout(600, 400, new Phi3VisionImageLayout(672, 1000)));
        Assert.Throws<ArgumentException>(() => Phi3VisionImageGeometry.FromLayout(400, 600, g.Layout)); // landscape canvas, portrait image
        Assert.Throws<ArgumentException>(() => Phi3VisionImageGeometry.FromLayout(600, 400, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => Phi3VisionImageGeometry.FromLayout(0, 400, g.Layout));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Phi3VisionImageProcessor().GetGeometry(5, -1));
        Assert.Throws<ArgumentException>(() => g.GetSourceRegion(new(Phi3VisionTokenKind.GlobalSeparator, -1, -1)));
        Assert.Throws<ArgumentException>(() => g.GetSourceRegion(new(Phi3VisionTokenKind.SubImageRowSeparator, 0, g.Layout.SubImageTokensPerRow)));
        Assert.Throws<ArgumentException>(() => g.GetSourceRegion(new(Phi3VisionTokenKind.SubImagePatch, 0, g.Layout.SubImageTokensPerRow)));
        Assert.Throws<ArgumentException>(() => g.GetSourceRegion(new(Phi3VisionTokenKind.GlobalPatch, 12, 0)));
    }

    private static float Normalized(int red) => ((red / 255f) - 0.48145466f) / 0.26862954f;
}
