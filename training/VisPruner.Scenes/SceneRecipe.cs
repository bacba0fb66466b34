using System.Drawing;

namespace VisPruner.Scenes;

/// <summary>
/// The recipe of the Fashion-MNIST scenes (written out in <c>training/README.md</c>): canvas shape, background, and
/// 1 to 6 tinted, upscaled items placed without overlap, at most one per cell of a 3 x 3 grid. Scene <c>i</c> of a seed
/// depends only on the seed, <c>i</c> and the source images, so any prefix of a set can be regenerated alone.
/// </summary>
public sealed class SceneRecipe
{
    /// <summary>The fewest items in a scene.</summary>
    public const int MinItems = 1;

    /// <summary>The most items in a scene.</summary>
    public const int MaxItems = 6;

    private const double MinScale = 2, MaxScale = 5;

    // Canvas shapes, chosen by the crop grid Phi-3.5-vision's HD transform gives them with num_crops = 4 (the grid
    // follows the aspect ratio alone): weight, aspect-ratio range and long-side range in pixels. The long side varies
    // so the processor's resize changes the items' apparent size too; the short side always leaves cells of at least
    // 64 px, room for a 2x item.
    private static readonly (double Weight, double MinRatio, double MaxRatio, int MinLong, int MaxLong)[] Shapes =
    [
        (0.6, 1.0, 1.8, 448, 1344),  // 2 x 2 crops
        (0.25, 2.05, 2.7, 576, 1344), // 2 x 1 crops
        (0.15, 3.05, 3.5, 720, 1344), // 3 x 1 crops
    ];

    private readonly FashionMnist _source;
    private readonly int _seed;
    private readonly int[][] _byClass;
    private readonly Rectangle[] _visible;

    /// <summary>Creates the recipe over a Fashion-MNIST split.</summary>
    /// <param name="source">The images items come from (the held-out set uses the test split only).</param>
    /// <param name="seed">The set's seed; train and held-out sets use different seeds.</param>
    public SceneRecipe(FashionMnist source, int seed)
    {
        _source = source;
        _seed = seed;
        _byClass = [.. Enumerable.Range(0, FashionMnist.ClassNames.Count).Select(c => Enumerable.Range(0, source.Count).Where(i => source.Label(i) == c).ToArray())];
        int missing = Array.FindIndex(_byClass, images => images.Length == 0);
        if (missing >= 0)
        {
            throw new ArgumentException($"The source images hold no {FashionMnist.ClassNames[missing]}.", nameof(source));
        }

        _visible = [.. Enumerable.Range(0, source.Count).Select(i => VisibleBounds(source.Image(i)))];
    }

    /// <summary>Gets the images items come from.</summary>
    public FashionMnist Source => _source;

    /// <summary>Generates scene <paramref name="index"/> of this seed.</summary>
    public Scene Generate(int index)
    {
        var random = new Random(SceneSeed(_seed, index));
        (int width, int height) = Canvas(random);
        SceneBackground background = Background(random);
        var cells = Enumerable.Range(0, 9).ToArray();
        random.Shuffle(cells);
        int count = random.Next(MinItems, MaxItems + 1);
        var items = new List<SceneItem>(count);
        var scene = new Scene(width, height, background, items);
        foreach (int cell in cells.Take(count))
        {
            items.Add(Item(random, scene.CellBounds(cell), cell));
        }

        return scene;
    }

    /// <summary>Gets the stream the questions about scene <paramref name="index"/> are drawn from (independent of the scene's own).</summary>
    public Random QuestionRandom(int index) => new(SceneSeed(~_seed, index));

    private SceneItem Item(Random random, Rectangle cell, int cellIndex)
    {
        int classId = random.Next(FashionMnist.ClassNames.Count);
        int source = _byClass[classId][random.Next(_byClass[classId].Length)];
        var colour = (SceneColour)random.Next(SceneColours.All.Count);
        double fit = Math.Min(cell.Width, cell.Height) / (double)FashionMnist.Side;
        double scale = MinScale + (random.NextDouble() * (Math.Min(MaxScale, fit) - MinScale));
        int side = (int)(FashionMnist.Side * scale);
        int left = cell.Left + random.Next(cell.Width - side + 1);
        int top = cell.Top + random.Next(cell.Height - side + 1);
        Rectangle visible = _visible[source];
        var box = Rectangle.FromLTRB(
            left + (visible.Left * side / FashionMnist.Side),
            top + (visible.Top * side / FashionMnist.Side),
            left + ((visible.Right * side) + FashionMnist.Side - 1) / FashionMnist.Side,
            top + ((visible.Bottom * side) + FashionMnist.Side - 1) / FashionMnist.Side);
        return new SceneItem(classId, colour, cellIndex, new Rectangle(left, top, side, side), box, source);
    }

    private static (int Width, int Height) Canvas(Random random)
    {
        double pick = random.NextDouble() * Shapes.Sum(s => s.Weight);
        var shape = Shapes[^1];
        foreach (var candidate in Shapes)
        {
            if ((pick -= candidate.Weight) < 0)
            {
                shape = candidate;
                break;
            }
        }

        double ratio = shape.MinRatio + (random.NextDouble() * (shape.MaxRatio - shape.MinRatio));
        int longSide = random.Next(shape.MinLong, shape.MaxLong + 1);
        int shortSide = (int)Math.Round(longSide / ratio);
        return random.Next(2) == 0 ? (longSide, shortSide) : (shortSide, longSide);
    }

    private static SceneBackground Background(Random random)
    {
        var kind = (SceneBackgroundKind)random.Next(4);
        return new SceneBackground(kind, Muted(random), Muted(random), random.NextDouble() * Math.PI, random.Next(8, 33), random.Next());
    }

    // Dark, low-saturation colours: every tint, white included, stays clearly brighter or more saturated.
    private static (byte R, byte G, byte B) Muted(Random random)
    {
        int grey = random.Next(20, 100);
        return (Channel(), Channel(), Channel());
        byte Channel() => (byte)Math.Clamp(grey + random.Next(-18, 19), 0, 255);
    }

    // The bounding box of the pixels brighter than the faint noise some Fashion-MNIST images carry.
    private static Rectangle VisibleBounds(ReadOnlySpan<byte> image)
    {
        int left = FashionMnist.Side, top = FashionMnist.Side, right = 0, bottom = 0;
        for (int y = 0; y < FashionMnist.Side; y++)
        {
            for (int x = 0; x < FashionMnist.Side; x++)
            {
                if (image[(y * FashionMnist.Side) + x] > SceneRenderer.VisibleThreshold)
                {
                    (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x + 1), Math.Max(bottom, y + 1));
                }
            }
        }

        return right > left ? Rectangle.FromLTRB(left, top, right, bottom) : new Rectangle(0, 0, FashionMnist.Side, FashionMnist.Side);
    }

    /// <summary>SplitMix64 of (seed, index): scenes of one seed are independent streams.</summary>
    private static int SceneSeed(int seed, int index)
    {
        ulong z = ((ulong)(uint)seed << 32) + (uint)index + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }
}
