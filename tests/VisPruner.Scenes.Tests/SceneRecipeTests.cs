using System.Drawing;
using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Scenes.Tests;

public sealed class SceneRecipeTests
{
    private static readonly FashionMnist TestImages = SceneSets.TestImages(null);

    [Fact]
    public void The_same_seed_and_index_give_the_same_scene_and_pixels()
    {
        var first = new SceneRecipe(TestImages, 7);
        var second = new SceneRecipe(TestImages, 7);
        Scene a = first.Generate(3), b = second.Generate(3);
        Assert.Equal(a.Width, b.Width);
        Assert.Equal(a.Background, b.Background);
        Assert.Equal(a.Items, b.Items);
        Assert.True(SceneRenderer.Render(a, TestImages).Pixels.SequenceEqual(SceneRenderer.Render(b, TestImages).Pixels));
        Assert.NotEqual(a.Items, new SceneRecipe(TestImages, 8).Generate(3).Items);
    }

    [Fact]
    public void Scenes_follow_the_recipe()
    {
        var recipe = new SceneRecipe(TestImages, SceneSets.HeldOutSeed);
        var processor = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 4 });
        var grids = new HashSet<(int, int)>();
        var backgrounds = new HashSet<SceneBackgroundKind>();
        for (int index = 0; index < 200; index++)
        {
            Scene scene = recipe.Generate(index);
            Assert.InRange(scene.Items.Count, SceneRecipe.MinItems, SceneRecipe.MaxItems);
            Assert.Equal(scene.Items.Count, scene.Items.Select(i => i.Cell).Distinct().Count());
            foreach (SceneItem item in scene.Items)
            {
                Rectangle cell = scene.CellBounds(item.Cell);
                Assert.True(cell.Contains(item.Square), $"scene {index}: item square {item.Square} leaves cell {cell}");
                Assert.True(item.Square.Contains(item.Box), $"scene {index}: visible box {item.Box} leaves square {item.Square}");
                Assert.InRange(item.Square.Width / (double)FashionMnist.Side, 2, 5);
                Assert.Equal(item.ClassId, TestImages.Label(item.Source));
            }

            Phi3VisionImageLayout layout = processor.GetLayout(scene.Width, scene.Height);
            grids.Add((layout.CropRows, layout.CropColumns));
            backgrounds.Add(scene.Background.Kind);
        }

        Assert.Equal(Enum.GetValues<SceneBackgroundKind>().Length, backgrounds.Count);
        Assert.Superset(new HashSet<(int, int)> { (2, 2), (1, 2), (2, 1), (1, 3), (3, 1) }, grids);
        Assert.True(grids.Count >= 4, $"Only crop grids {string.Join(", ", grids)}.");
    }

    [Fact]
    public void Items_are_painted_in_their_tint_and_the_background_elsewhere()
    {
        var recipe = new SceneRecipe(TestImages, SceneSets.HeldOutSeed);
        Scene scene = recipe.Generate(0);
        VisPruner.Imaging.RgbImage image = SceneRenderer.Render(scene, TestImages);
        foreach (SceneItem item in scene.Items)
        {
            // The brightest source pixel is fully opaque: exactly the tint.
            ReadOnlySpan<byte> source = TestImages.Image(item.Source);
            int brightest = source.IndexOf(source.ToArray().Max());
            double scale = item.Square.Width / (double)FashionMnist.Side;
            int x = item.Square.Left + (int)(((brightest % FashionMnist.Side) + 0.5) * scale);
            int y = item.Square.Top + (int)(((brightest / FashionMnist.Side) + 0.5) * scale);
            (byte r, byte g, byte b) = item.Colour.Rgb();
            Span<byte> pixel = image.GetRow(y).Slice(3 * x, 3);
            Assert.InRange(Math.Abs(pixel[0] - r) + Math.Abs(pixel[1] - g) + Math.Abs(pixel[2] - b), 0, 60);
        }
    }
}
