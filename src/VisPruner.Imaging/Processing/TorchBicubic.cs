namespace VisPruner.Imaging.Processing;

/// <summary>
/// PyTorch's <c>interpolate(mode="bicubic", align_corners=False)</c> along one axis: cubic convolution with
/// A = -0.75, source coordinate (i + 0.5) * scale - 0.5, edge samples repeated, all in float32.
/// </summary>
internal sealed class TorchBicubic
{
    private TorchBicubic(int[] indices, float[] weights)
    {
        Indices = indices;
        Weights = weights;
    }

    /// <summary>Four clamped source indices per output position.</summary>
    public int[] Indices { get; }

    /// <summary>Four weights per output position.</summary>
    public float[] Weights { get; }

    public static TorchBicubic Create(int inSize, int outSize)
    {
        const float A = -0.75f;
        float scale = (float)inSize / outSize;
        int[] indices = new int[outSize * 4];
        float[] weights = new float[outSize * 4];
        for (int i = 0; i < outSize; i++)
        {
            float real = (scale * (i + 0.5f)) - 0.5f;
            int floor = (int)MathF.Floor(real);
            float t = real - floor;
            float x2 = 1.0f - t;
            weights[4 * i] = Far(t + 1.0f, A);
            weights[(4 * i) + 1] = Near(t, A);
            weights[(4 * i) + 2] = Near(x2, A);
            weights[(4 * i) + 3] = Far(x2 + 1.0f, A);
            for (int j = 0; j < 4; j++)
            {
                indices[(4 * i) + j] = Math.Clamp(floor - 1 + j, 0, inSize - 1);
            }
        }

        return new TorchBicubic(indices, weights);
    }

    private static float Near(float x, float a) => ((((a + 2) * x) - (a + 3)) * x * x) + 1;

    private static float Far(float x, float a) => ((((a * x) - (5 * a)) * x) + (8 * a)) * x - (4 * a);
}
