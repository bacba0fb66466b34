using VisPruner.Imaging;

namespace VisPruner.Scenes;

/// <summary>Paints a <see cref="Scene"/>: the background, then each item's grey values as the opacity of its tint.</summary>
public static class SceneRenderer
{
    /// <summary>Source grey values at or below this are background in the item's box.</summary>
    public const byte VisibleThreshold = 16;

    private const int NoiseAmplitude = 18;

    /// <summary>Renders <paramref name="scene"/>, reading item pixels from <paramref name="source"/>.</summary>
    public static RgbImage Render(Scene scene, FashionMnist source)
    {
        var image = new RgbImage(scene.Width, scene.Height);
        PaintBackground(image, scene.Background);
        foreach (SceneItem item in scene.Items)
        {
            PaintItem(image, item, source.Image(item.Source));
        }

        return image;
    }

    private static void PaintBackground(RgbImage image, SceneBackground background)
    {
        var noise = new Random(background.NoiseSeed);
        double dx = Math.Cos(background.Angle), dy = Math.Sin(background.Angle);
        double extent = (Math.Abs(dx) * image.Width) + (Math.Abs(dy) * image.Height);
        double origin = Math.Min(0, dx * image.Width) + Math.Min(0, dy * image.Height);
        for (int y = 0; y < image.Height; y++)
        {
            Span<byte> row = image.GetRow(y);
            for (int x = 0; x < image.Width; x++)
            {
                double along = (dx * x) + (dy * y) - origin; // 0..extent across the canvas
                (double r, double g, double b) = background.Kind switch
                {
                    SceneBackgroundKind.Gradient => Blend(background.First, background.Second, along / extent),
                    SceneBackgroundKind.Striped => Blend(background.First, background.Second, (int)(along / (background.Period / 2.0)) % 2),
                    _ => Blend(background.First, background.Second, 0),
                };
                int offset = background.Kind == SceneBackgroundKind.Noisy ? noise.Next(-NoiseAmplitude, NoiseAmplitude + 1) : 0;
                row[3 * x] = Clamp(r + offset);
                row[(3 * x) + 1] = Clamp(g + offset);
                row[(3 * x) + 2] = Clamp(b + offset);
            }
        }
    }

    // The source is upscaled bilinearly (pixel centres aligned) and its grey value is the tint's opacity.
    private static void PaintItem(RgbImage image, SceneItem item, ReadOnlySpan<byte> grey)
    {
        (byte tr, byte tg, byte tb) = item.Colour.Rgb();
        double scale = item.Square.Width / (double)FashionMnist.Side;
        for (int y = item.Square.Top; y < item.Square.Bottom; y++)
        {
            Span<byte> row = image.GetRow(y);
            double v = Math.Clamp(((y - item.Square.Top + 0.5) / scale) - 0.5, 0, FashionMnist.Side - 1);
            int v0 = (int)v, v1 = Math.Min(v0 + 1, FashionMnist.Side - 1);
            for (int x = item.Square.Left; x < item.Square.Right; x++)
            {
                double u = Math.Clamp(((x - item.Square.Left + 0.5) / scale) - 0.5, 0, FashionMnist.Side - 1);
                int u0 = (int)u, u1 = Math.Min(u0 + 1, FashionMnist.Side - 1);
                double top = Lerp(grey[(v0 * FashionMnist.Side) + u0], grey[(v0 * FashionMnist.Side) + u1], u - u0);
                double bottom = Lerp(grey[(v1 * FashionMnist.Side) + u0], grey[(v1 * FashionMnist.Side) + u1], u - u0);
                double alpha = Lerp(top, bottom, v - v0) / 255;
                row[3 * x] = Clamp(Lerp(row[3 * x], tr, alpha));
                row[(3 * x) + 1] = Clamp(Lerp(row[(3 * x) + 1], tg, alpha));
                row[(3 * x) + 2] = Clamp(Lerp(row[(3 * x) + 2], tb, alpha));
            }
        }
    }

    private static (double R, double G, double B) Blend((byte R, byte G, byte B) a, (byte R, byte G, byte B) b, double t) =>
        (Lerp(a.R, b.R, t), Lerp(a.G, b.G, t), Lerp(a.B, b.B, t));

    private static double Lerp(double a, double b, double t) => a + ((b - a) * t);

    private static byte Clamp(double value) => (byte)Math.Clamp((int)Math.Round(value), 0, 255);
}
