namespace VisPruner.Imaging.Processing;

/// <summary>
/// A resized image placed at (<paramref name="offsetX"/>, <paramref name="offsetY"/>) on a white canvas of
/// <paramref name="width"/> x <paramref name="height"/>, read row by row through a normalisation table, without
/// materialising the canvas.
/// </summary>
internal readonly struct PaddedCanvas(RgbImage resized, int width, int height, int offsetX, int offsetY)
{
    public int Width => width;

    public int Height => height;

    /// <summary>Writes <paramref name="count"/> normalised samples of <paramref name="channel"/> from canvas (<paramref name="x0"/>, <paramref name="y"/>).</summary>
    public void NormalizedRow(int y, int x0, int count, int channel, float[] lut, Span<float> output)
    {
        int ry = y - offsetY;
        if ((uint)ry >= (uint)resized.Height)
        {
            output[..count].Fill(lut[255]);
            return;
        }

        ReadOnlySpan<byte> row = resized.GetRow(ry);
        for (int i = 0; i < count; i++)
        {
            int rx = x0 + i - offsetX;
            output[i] = (uint)rx < (uint)resized.Width ? lut[row[(3 * rx) + channel]] : lut[255];
        }
    }

    /// <summary>Writes the <paramref name="side"/> x <paramref name="side"/> window at (<paramref name="left"/>, <paramref name="top"/>) as [3, side, side].</summary>
    public void WriteCrop(int top, int left, int side, float[][] lut, Span<float> output)
    {
        int plane = side * side;
        for (int y = 0; y < side; y++)
        {
            for (int c = 0; c < 3; c++)
            {
                NormalizedRow(top + y, left, side, c, lut[c], output.Slice((c * plane) + (y * side), side));
            }
        }
    }

    /// <summary>PyTorch bicubic interpolation of the normalised canvas to <paramref name="side"/> x <paramref name="side"/>, as [3, side, side].</summary>
    public void WriteBicubicView(int side, float[][] lut, Span<float> output)
    {
        int plane = side * side;
        TorchBicubic xs = TorchBicubic.Create(Width, side);
        TorchBicubic ys = TorchBicubic.Create(Height, side);
        Span<float> rows = new float[4 * 3 * Width];
        for (int oy = 0; oy < side; oy++)
        {
            for (int j = 0; j < 4; j++)
            {
                for (int c = 0; c < 3; c++)
                {
                    NormalizedRow(ys.Indices[(4 * oy) + j], 0, Width, c, lut[c], rows.Slice(((j * 3) + c) * Width, Width));
                }
            }

            for (int c = 0; c < 3; c++)
            {
                for (int ox = 0; ox < side; ox++)
                {
                    float sum = 0f;
                    for (int j = 0; j < 4; j++)
                    {
                        ReadOnlySpan<float> row = rows.Slice(((j * 3) + c) * Width, Width);
                        int xi = 4 * ox;
                        float t = row[xs.Indices[xi]] * xs.Weights[xi];
                        t += row[xs.Indices[xi + 1]] * xs.Weights[xi + 1];
                        t += row[xs.Indices[xi + 2]] * xs.Weights[xi + 2];
                        t += row[xs.Indices[xi + 3]] * xs.Weights[xi + 3];
                        float weighted = t * ys.Weights[(4 * oy) + j];
                        sum = j == 0 ? weighted : sum + weighted;
                    }

                    output[(c * plane) + (oy * side) + ox] = sum;
                }
            }
        }
    }

    /// <summary>
    /// The table from an 8-bit sample to its normalised value, per channel: the same float32 operations as ToTensor()
    /// (/255) followed by Normalize (-mean, /std).
    /// </summary>
    public static float[][] NormalizationTable(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        var table = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            table[c] = new float[256];
            for (int v = 0; v < 256; v++)
            {
                table[c][v] = (((float)v / 255f) - mean[c]) / std[c];
            }
        }

        return table;
    }
}
