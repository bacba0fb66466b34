namespace VisPruner.Imaging.Phi4Multimodal;

/// <summary>
/// Where an image lands in Phi-4-multimodal's dynamic HD canvas, in Hugging Face's arithmetic (<c>dynamic_preprocess</c>):
/// the crop grid, the resized size (aspect kept, filling the grid's width or height), and the part of the 32-per-crop
/// patch mask that is image rather than the white padding on the right or bottom.
/// </summary>
internal readonly record struct Phi4MultimodalImageGeometry(int ResizedWidth, int ResizedHeight, int MaskRows, int MaskColumns, Phi4MultimodalImageLayout Layout)
{
    private const int Crop = Phi4MultimodalImageLayout.CropSize;
    private const int Patch = Crop / Phi4MultimodalImageLayout.MaskSide;

    // Hugging Face refuses a resized side under 10 pixels ("the aspect ratio is very extreme").
    private const int MinResizedSide = 10;

    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive.</exception>
    /// <exception cref="ArgumentException">The image is too elongated for the grid: a resized side would be under 10 pixels.</exception>
    public static Phi4MultimodalImageGeometry Create(int width, int height, int dynamicHd)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        (int columns, int rows) = Grid(width, height, dynamicHd);
        int targetWidth = columns * Crop, targetHeight = rows * Crop;
        double ratioWidth = (double)targetWidth / width, ratioHeight = (double)targetHeight / height;
        (int resizedWidth, int resizedHeight) = ratioWidth < ratioHeight
            ? (targetWidth, (int)(height * ratioWidth))
            : ((int)(width * ratioHeight), targetHeight);
        if (Math.Min(resizedWidth, resizedHeight) < MinResizedSide)
        {
            throw new ArgumentException(
                $"A {width}x{height} image is too elongated for Phi-4-multimodal's HD transform: it would be resized to {resizedWidth}x{resizedHeight} " +
                $"in a {columns}x{rows}-crop grid, and a side under {MinResizedSide} pixels is refused.");
        }

        // Mask columns (rows) whose 14 pixels are all padding are zeroed: floor(padding / 14) of them.
        int maskColumns = (columns * Phi4MultimodalImageLayout.MaskSide) - ((targetWidth - resizedWidth) / Patch);
        int maskRows = (rows * Phi4MultimodalImageLayout.MaskSide) - ((targetHeight - resizedHeight) / Patch);

        // The vision model keeps every other mask row and column (mask[::2, ::2]).
        var layout = new Phi4MultimodalImageLayout(targetHeight, targetWidth, (maskRows + 1) / 2, (maskColumns + 1) / 2);
        return new Phi4MultimodalImageGeometry(resizedWidth, resizedHeight, maskRows, maskColumns, layout);
    }

    /// <summary>
    /// The crop grid (columns, rows): ceil(W/448) x ceil(H/448) when that is at most <paramref name="dynamicHd"/> crops,
    /// otherwise the grid of at most that many crops whose aspect ratio is closest to the image's, the larger one on a
    /// tie when the image's area exceeds half of its.
    /// </summary>
    private static (int Columns, int Rows) Grid(int width, int height, int dynamicHd)
    {
        int columns = (int)Math.Ceiling(width / (double)Crop), rows = (int)Math.Ceiling(height / (double)Crop);
        if ((long)columns * rows <= dynamicHd)
        {
            return (columns, rows);
        }

        double aspect = (double)width / height;
        double area = (double)width * height;
        double bestDifference = double.PositiveInfinity;
        (int Columns, int Rows) best = (1, 1);

        // Candidates in order of crop count, as Hugging Face sorts them.
        for (int count = 1; count <= dynamicHd; count++)
        {
            for (int i = 1; i <= count; i++)
            {
                if (count % i != 0)
                {
                    continue;
                }

                int j = count / i;
                double difference = Math.Abs(aspect - ((double)i / j));
                if (difference < bestDifference)
                {
                    bestDifference = difference;
                    best = (i, j);
                }
                else if (difference == bestDifference && area > 0.5 * Crop * Crop * i * j)
                {
                    best = (i, j);
                }
            }
        }

        return best;
    }
}
