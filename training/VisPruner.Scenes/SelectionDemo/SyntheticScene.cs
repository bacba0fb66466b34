namespace VisPruner.Scenes.SelectionDemo;

/// <summary>
/// A generated stand-in for one CLIP crop (24 x 24 patch tokens): four large, self-similar background regions, a few
/// small distinct objects that draw most [CLS] attention, and two background "register" tokens with high attention,
/// as CLIP models show.
/// </summary>
internal sealed class SyntheticScene
{
    public const int Side = 24, Dimension = 64, ObjectCount = 6;

    private static readonly (int Y, int X, int Size)[] Objects = [(3, 4, 3), (5, 15, 2), (11, 9, 4), (14, 19, 3), (19, 3, 2), (20, 13, 3)];

    private readonly int[] _object = new int[Side * Side];

    private SyntheticScene()
    {
    }

    public float[] Features { get; } = new float[Side * Side * Dimension];

    public float[] Importance { get; } = new float[Side * Side];

    /// <summary>Gets the object a token belongs to, or -1 for background.</summary>
    public int ObjectAt(int token) => _object[token];

    public static SyntheticScene Generate(int seed)
    {
        var scene = new SyntheticScene();
        var rng = new Random(seed);
        float[] directions = new float[(4 + ObjectCount) * Dimension];
        for (int i = 0; i < directions.Length; i++)
        {
            directions[i] = (float)((2 * rng.NextDouble()) - 1);
        }

        Array.Fill(scene._object, -1);
        for (int o = 0; o < Objects.Length; o++)
        {
            (int y0, int x0, int size) = Objects[o];
            for (int y = y0; y < y0 + size; y++)
            {
                for (int x = x0; x < x0 + size; x++)
                {
                    scene._object[(y * Side) + x] = o;
                }
            }
        }

        for (int t = 0; t < Side * Side; t++)
        {
            int y = t / Side, x = t % Side;
            int o = scene._object[t];
            int direction = o >= 0 ? 4 + o : ((y / 12) * 2) + (x / 12);
            for (int i = 0; i < Dimension; i++)
            {
                scene.Features[(t * Dimension) + i] = directions[(direction * Dimension) + i] + (float)(0.15 * ((2 * rng.NextDouble()) - 1));
            }

            double u = rng.NextDouble();
            scene.Importance[t] = (float)(o >= 0 ? 0.004 + (0.004 * u) : 0.001 * u * u);
        }

        scene.Importance[(2 * Side) + 20] = 0.05f;
        scene.Importance[(17 * Side) + 7] = 0.04f;
        return scene;
    }

    public int ObjectsCovered(ReadOnlySpan<int> kept)
    {
        Span<bool> seen = stackalloc bool[ObjectCount];
        foreach (int t in kept)
        {
            if (_object[t] >= 0)
            {
                seen[_object[t]] = true;
            }
        }

        return seen.Count(true);
    }

    public int BackgroundKept(ReadOnlySpan<int> kept)
    {
        int count = 0;
        foreach (int t in kept)
        {
            count += _object[t] < 0 ? 1 : 0;
        }

        return count;
    }
}
