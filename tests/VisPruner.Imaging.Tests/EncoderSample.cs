namespace VisPruner.Imaging.Tests;

/// <summary>
/// The image behind Fixtures/encoder/encoder_sample.png: bands of noise, gradients, stripes and flat colour, so
/// libpng's adaptive filtering has varied content to choose for.
/// </summary>
internal static class EncoderSample
{
    public const int Width = 97;
    public const int Height = 64;

    public static RgbImage Create()
    {
        var image = new RgbImage(Width, Height);
        uint state = 12345;
        for (int y = 0; y < Height; y++)
        {
            Span<byte> row = image.GetRow(y);
            for (int x = 0; x < Width; x++)
            {
                state = (state * 1664525) + 1013904223;
                byte noise = (byte)(state >> 24);
                for (int c = 0; c < 3; c++)
                {
                    int left = x > 0 ? row[(3 * (x - 1)) + c] : 0;
                    int up = y > 0 ? image.GetRow(y - 1)[(3 * x) + c] : 0;
                    row[(3 * x) + c] = (y / 8) switch
                    {
                        0 or 1 or 2 => (byte)(noise + (c * 85)), // noise: no filter helps; spreads the data over several IDAT chunks
                        3 => (byte)((x * 4) + (c * 30)), // horizontal ramp: Sub
                        4 => (byte)(((x * 7) ^ (x >> 2)) + (c * 50)), // same pattern each row: Up
                        5 => (byte)(((left + up) >> 1) + (noise & 3)), // mean of neighbours: Average
                        6 => (byte)((x * 3) + (y * 5) + (c * 20)), // diagonal ramp
                        _ => (byte)((((x / 5) + (y / 3)) % 2 * 180) + (noise >> 5) + (c * 10)), // chequer with grain
                    };
                }
            }
        }

        return image;
    }
}
