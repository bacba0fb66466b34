using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels.Tests.Onnx;

/// <summary>Direct, loop-based computations the model outputs are checked against.</summary>
internal static class Reference
{
    /// <summary>[m, k] x [k, n].</summary>
    public static float[] MatMul(float[] a, float[] b, int m, int k, int n)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += (double)a[i * k + p] * b[p * n + j];
                }

                c[i * n + j] = (float)sum;
            }
        }

        return c;
    }

    /// <summary>Softmax of each row of length <paramref name="width"/>.</summary>
    public static float[] Softmax(float[] x, int width)
    {
        var y = new float[x.Length];
        for (int row = 0; row < x.Length / width; row++)
        {
            double max = double.NegativeInfinity;
            for (int i = 0; i < width; i++)
            {
                max = Math.Max(max, x[row * width + i]);
            }

            double sum = 0;
            for (int i = 0; i < width; i++)
            {
                sum += Math.Exp(x[row * width + i] - max);
            }

            for (int i = 0; i < width; i++)
            {
                y[row * width + i] = (float)(Math.Exp(x[row * width + i] - max) / sum);
            }
        }

        return y;
    }

    /// <summary>Layer norm of each row: (x - mean) / sqrt(var + eps) * scale + bias.</summary>
    public static float[] LayerNorm(float[] x, float[] scale, float[] bias, float epsilon)
    {
        int width = scale.Length;
        var y = new float[x.Length];
        for (int row = 0; row < x.Length / width; row++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < width; i++)
            {
                mean += x[row * width + i];
            }

            mean /= width;
            for (int i = 0; i < width; i++)
            {
                variance += Math.Pow(x[row * width + i] - mean, 2);
            }

            variance /= width;
            for (int i = 0; i < width; i++)
            {
                y[row * width + i] = (float)((x[row * width + i] - mean) / Math.Sqrt(variance + epsilon) * scale[i] + bias[i]);
            }
        }

        return y;
    }

    /// <summary>RMS norm of each row: x / sqrt(mean(x^2) + eps) * scale.</summary>
    public static float[] RmsNorm(float[] x, float[] scale, float epsilon)
    {
        int width = scale.Length;
        var y = new float[x.Length];
        for (int row = 0; row < x.Length / width; row++)
        {
            double meanSquare = 0;
            for (int i = 0; i < width; i++)
            {
                meanSquare += (double)x[row * width + i] * x[row * width + i];
            }

            double inverse = 1 / Math.Sqrt(meanSquare / width + epsilon);
            for (int i = 0; i < width; i++)
            {
                y[row * width + i] = (float)(x[row * width + i] * inverse * scale[i]);
            }
        }

        return y;
    }

    /// <summary>Exact GELU: x * Phi(x), with Phi from erf.</summary>
    public static float Gelu(float x) => (float)(0.5 * x * (1 + Erf(x / Math.Sqrt(2))));

    /// <summary>
    /// Rotates one head vector (rotate-half layout) to <paramref name="position"/>: for d below half,
    /// (x[d], x[d+half]) turns by the angle whose cos/sin are cos[position, d]/sin[position, d].
    /// </summary>
    public static void Rotate(Span<float> head, float[] cos, float[] sin, int position)
    {
        int half = head.Length / 2;
        for (int d = 0; d < half; d++)
        {
            float c = cos[position * half + d], s = sin[position * half + d];
            float x0 = head[d], x1 = head[d + half];
            head[d] = x0 * c - x1 * s;
            head[d + half] = x1 * c + x0 * s;
        }
    }

    /// <summary>Rotary caches [maxPosition, half] for base 10000.</summary>
    public static (float[] Cos, float[] Sin) RotaryCaches(int maxPosition, int headSize)
    {
        int half = headSize / 2;
        var cos = new float[maxPosition * half];
        var sin = new float[maxPosition * half];
        for (int p = 0; p < maxPosition; p++)
        {
            for (int d = 0; d < half; d++)
            {
                double angle = p / Math.Pow(10000, 2.0 * d / headSize);
                cos[p * half + d] = (float)Math.Cos(angle);
                sin[p * half + d] = (float)Math.Sin(angle);
            }
        }

        return (cos, sin);
    }

    // Abramowitz-Stegun 7.1.26 is too coarse for 1e-5 checks; use the series/continued fraction via Math functions.
    private static double Erf(double x)
    {
        // erf(x) = 2/sqrt(pi) * sum_{n} (-1)^n x^(2n+1) / (n! (2n+1)), converges fast for |x| < 4.
        if (Math.Abs(x) > 4)
        {
            return Math.Sign(x);
        }

        double sum = 0, term = x;
        for (int n = 0; n < 80; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
