namespace VisPruner.Engine.Tests.Conformance;

/// <summary>
/// Pillow's resampling of a float ('F' mode) image with its BICUBIC filter (a = -0.5), antialiased: the filter support
/// widens by the downscale factor, coefficients and sums in double, horizontal pass first. Test oracle for how ONNX
/// Runtime GenAI's processor computes Phi-3.5-vision's global view.
/// </summary>
internal static class PillowFloatBicubic
{
    public static float[] Resize(float[] source, int width, int height, int outWidth, int outHeight)
    {
        float[] horizontal = Pass(source, width, height, outWidth, horizontalPass: true);
        return Pass(horizontal, outWidth, height, outHeight, horizontalPass: false);
    }

    private static float[] Pass(float[] source, int width, int height, int outSize, bool horizontalPass)
    {
        int inSize = horizontalPass ? width : height;
        (int[] starts, double[][] weights) = Coefficients(inSize, outSize);
        int outWidth = horizontalPass ? outSize : width, outHeight = horizontalPass ? height : outSize;
        var output = new float[outWidth * outHeight];
        for (int y = 0; y < outHeight; y++)
        {
            for (int x = 0; x < outWidth; x++)
            {
                int o = horizontalPass ? x : y;
                double sum = 0;
                for (int k = 0; k < weights[o].Length; k++)
                {
                    int i = starts[o] + k;
                    sum += source[horizontalPass ? (y * width) + i : (i * width) + x] * weights[o][k];
                }

                output[(y * outWidth) + x] = (float)sum;
            }
        }

        return output;
    }

    private static (int[] Starts, double[][] Weights) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = 2.0 * filterScale;
        var starts = new int[outSize];
        var weights = new double[outSize][];
        for (int o = 0; o < outSize; o++)
        {
            double center = (o + 0.5) * scale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int count = Math.Min((int)(center + support + 0.5), inSize) - min;
            var w = new double[count];
            double total = 0;
            for (int k = 0; k < count; k++)
            {
                w[k] = Bicubic((k + min - center + 0.5) / filterScale);
                total += w[k];
            }

            for (int k = 0; k < count; k++)
            {
                w[k] = total == 0 ? 0 : w[k] / total;
            }

            starts[o] = min;
            weights[o] = w;
        }

        return (starts, weights);
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        return x < 1 ? (((a + 2) * x) - (a + 3)) * x * x + 1
            : x < 2 ? ((((x - 5) * x) + 8) * x - 4) * a
            : 0;
    }
}
