using Microsoft.ML.OnnxRuntime;
using Xunit;

using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels.Tests.Onnx;

public class ContribOpTests
{
    [Theory]
    [InlineData(32, true)]
    [InlineData(64, true)]
    [InlineData(32, false)]
    public void MatMulNBits_matches_a_product_with_the_dequantized_weights(int blockSize, bool zeroPoints)
    {
        const int m = 3, k = 128, n = 16;
        float[] w = new TensorRandom(5).Normal(n * k, std: 0.2f);
        Int4Weight q = Int4Weight.Quantize(w, n, k, blockSize, zeroPoints);
        var b = new GraphBuilder();
        b.Output("y", b.MatMulNBits(b.Input("a", OnnxDataType.Float, "m", k), q, "proj"));
        float[] a = new TensorRandom(6).Normal(m * k);

        float[] y = ModelRunner.RunSingle(b, ("a", OrtValue.CreateTensorValueFromMemory(a, [m, k])));

        float[] dequantizedTransposed = DequantizeTransposed(q.Packed, q.Scales, q.ZeroPoints, n, k, blockSize);
        ModelRunner.AssertClose(Reference.MatMul(a, dequantizedTransposed, m, k, n), y, 1e-4f);
    }

    [Fact]
    public void Int4_quantization_keeps_weights_within_half_a_step()
    {
        const int n = 4, k = 64, blockSize = 32;
        float[] w = new TensorRandom(8).Normal(n * k);
        Int4Weight q = Int4Weight.Quantize(w, n, k, blockSize);

        float[] back = DequantizeTransposed(q.Packed, q.Scales, q.ZeroPoints, n, k, blockSize);

        for (int row = 0; row < n; row++)
        {
            for (int col = 0; col < k; col++)
            {
                float step = q.Scales[row * (k / blockSize) + col / blockSize];
                Assert.InRange(Math.Abs(back[col * n + row] - w[row * k + col]), 0, step / 2 + 1e-6f);
            }
        }
    }

    [Fact]
    public void SimplifiedLayerNormalization_and_its_skip_variant_match_rms_norm()
    {
        var b = new GraphBuilder(seed: 2);
        GraphValue x = b.Input("x", OnnxDataType.Float, 1, 3, 8);
        GraphValue skip = b.Input("skip", OnnxDataType.Float, 1, 3, 8);
        GraphValue gamma = b.RandomNormal("gamma", [8], mean: 1, std: 0.2f);
        b.Output("rms", b.SimplifiedLayerNormalization(x, gamma, 1e-6f));
        (GraphValue norm, GraphValue sum) = b.SkipSimplifiedLayerNormalization(x, skip, gamma, 1e-6f);
        b.Output("skip_rms", norm);
        b.Output("sum", sum);
        float[] gammaValues = OnnxTensors.Read<float>(b.Build().Graph.Initializer[0]);
        float[] xs = new TensorRandom(3).Normal(24);
        float[] skips = new TensorRandom(4).Normal(24);

        float[][] outputs = ModelRunner.Run(b, ("x", OrtValue.CreateTensorValueFromMemory(xs, [1, 3, 8])), ("skip", OrtValue.CreateTensorValueFromMemory(skips, [1, 3, 8])));

        float[] sums = xs.Zip(skips, (p, q) => p + q).ToArray();
        ModelRunner.AssertClose(Reference.RmsNorm(xs, gammaValues, 1e-6f), outputs[0], 1e-4f);
        ModelRunner.AssertClose(Reference.RmsNorm(sums, gammaValues, 1e-6f), outputs[1], 1e-4f);
        ModelRunner.AssertClose(sums, outputs[2]);
    }

    [Fact]
    public void RotaryEmbedding_rotates_each_head_by_its_position()
    {
        const int seq = 3, heads = 2, headSize = 8;
        (float[] cos, float[] sin) = Reference.RotaryCaches(16, headSize);
        var b = new GraphBuilder();
        GraphValue x = b.Input("x", OnnxDataType.Float, 1, seq, heads * headSize);
        GraphValue positions = b.Input("positions", OnnxDataType.Int64, 1, seq);
        GraphValue cosCache = b.Initializer<float>("cos", [16, headSize / 2], cos);
        GraphValue sinCache = b.Initializer<float>("sin", [16, headSize / 2], sin);
        b.Output("y", b.RotaryEmbedding(x, positions, cosCache, sinCache, numHeads: heads));
        float[] input = new TensorRandom(9).Normal(seq * heads * headSize);
        long[] positionIds = [5, 6, 9];

        float[] y = ModelRunner.RunSingle(b, ("x", OrtValue.CreateTensorValueFromMemory(input, [1, seq, heads * headSize])), ("positions", OrtValue.CreateTensorValueFromMemory(positionIds, [1, seq])));

        float[] expected = (float[])input.Clone();
        for (int s = 0; s < seq; s++)
        {
            for (int h = 0; h < heads; h++)
            {
                Reference.Rotate(expected.AsSpan((s * heads + h) * headSize, headSize), cos, sin, (int)positionIds[s]);
            }
        }

        ModelRunner.AssertClose(expected, y, 1e-5f);
    }

    // Independent of Int4Weight: unpack nibbles, subtract zero points (8 when absent), scale; returns W^T [k, n].
    private static float[] DequantizeTransposed(byte[] packed, float[] scales, byte[]? zeroPoints, int n, int k, int blockSize)
    {
        int blocks = k / blockSize;
        var result = new float[k * n];
        for (int row = 0; row < n; row++)
        {
            for (int col = 0; col < k; col++)
            {
                int block = col / blockSize;
                byte pair = packed[row * (k / 2) + col / 2];
                int q = col % 2 == 0 ? pair & 0x0F : pair >> 4;
                int zero = 8;
                if (zeroPoints is not null)
                {
                    byte zeroPair = zeroPoints[row * ((blocks + 1) / 2) + block / 2];
                    zero = block % 2 == 0 ? zeroPair & 0x0F : zeroPair >> 4;
                }

                result[col * n + row] = (q - zero) * scales[row * blocks + block];
            }
        }

        return result;
    }
}
