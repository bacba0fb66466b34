using VisPruner.DemoModels;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace VisPruner.DemoModels.Tests.Phi3Vision;

/// <summary>
/// Rebuilds <c>image_features</c> in C# from the penultimate layer's patch features and the written projector and
/// separator weights, pinning down what the pruning hook relies on: which patches each feature row merges, in which
/// order, and where the separators sit.
/// </summary>
public class VisionLayoutTests
{
    private const string PatchFeatures = "/hd/drop_cls/Slice_output_0"; // [crops, 576, C] after the penultimate layer

    [Theory]
    [InlineData(500, 300, 4)] // 2 x 2 crops
    [InlineData(300, 700, 2)] // 2 rows x 1 column
    public void Feature_rows_are_the_projected_2x2_merges_in_HD_order_with_separators(int width, int height, int numCrops)
    {
        using var folder = new DemoModelFolder();
        ModelProto model = OnnxModelFile.Load(folder.File(TinyPhi3VisionModel.VisionFileName), loadExternalData: true);
        model.Graph.ExposeAsOutput(PatchFeatures, OnnxDataType.Float);
        Phi3VisionInputs inputs = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = numCrops })
            .Process(DemoModelRunner.SyntheticImage(width, height));
        Phi3VisionImageLayout layout = inputs.Layouts[0];

        using InferenceSession session = new InferenceSession(OnnxModelFile.ToBytes(model));
        float[][] outputs = DemoModelRunner.RunAll(session, ["image_features", PatchFeatures],
            ("pixel_values", OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.PixelValues, [.. inputs.PixelValuesShape])),
            ("image_sizes", OrtValue.CreateTensorValueFromMemory(inputs.ImageSizes.ToArray(), [1, 2])));
        float[] features = outputs[0], patches = outputs[1];

        int c = folder.Info.Options.VisionHiddenSize, merged = 4 * c;
        Assert.Equal((layout.CropCount + 1) * 576 * c, patches.Length);
        float[] Weight(string name) => OnnxTensors.Read<float>(model.Graph.Initializer.Single(t => t.Name == name));
        float[] subSeparator = Weight("sub_GN"), globalSeparator = Weight("glb_GN");

        // The merged token (i, j) of a crop concatenates patches (2i + dy, 2j + dx) for (dy, dx) = (0,0), (0,1), (1,0), (1,1).
        float[] Merge(int crop, int i, int j)
        {
            var token = new float[merged];
            for (int part = 0; part < 4; part++)
            {
                int patch = (2 * i + part / 2) * 24 + 2 * j + part % 2;
                patches.AsSpan((crop * 576 + patch) * c, c).CopyTo(token.AsSpan(part * c));
            }

            return token;
        }

        var sequence = new List<float[]>();
        for (int row = 0; row < layout.SubImageTokenRows; row++)
        {
            for (int column = 0; column < layout.SubImageTokensPerRow; column++)
            {
                int crop = 1 + row / 12 * layout.CropColumns + column / 12; // sub-crops follow the global view, row-major
                sequence.Add(Merge(crop, row % 12, column % 12));
            }

            sequence.Add(subSeparator);
        }

        sequence.Add(globalSeparator);
        for (int row = 0; row < 12; row++)
        {
            for (int column = 0; column < 12; column++)
            {
                sequence.Add(Merge(0, row, column));
            }

            sequence.Add(subSeparator);
        }

        int hidden = folder.Info.Options.HiddenSize;
        float[] w0 = Weight("img_projection.0.weight"), b0 = Weight("img_projection.0.bias");
        float[] w2 = Weight("img_projection.2.weight"), b2 = Weight("img_projection.2.bias");
        Assert.Equal(sequence.Count * hidden, features.Length);
        for (int r = 0; r < sequence.Count; r++)
        {
            float[] projected = Dense(Dense(sequence[r], w0, b0, hidden).Select(Gelu).ToArray(), w2, b2, hidden);
            DemoModelRunner.AssertClose(projected, features.AsSpan(r * hidden, hidden), 1e-4f, $"feature row {r} ({layout.GetToken(r)})");
        }
    }

    private static float[] Dense(float[] x, float[] weight, float[] bias, int outFeatures)
    {
        var y = new float[outFeatures];
        for (int o = 0; o < outFeatures; o++)
        {
            double sum = bias[o];
            for (int i = 0; i < x.Length; i++)
            {
                sum += (double)x[i] * weight[i * outFeatures + o];
            }

            y[o] = (float)sum;
        }

        return y;
    }

    // Exact GELU, 0.5 x (1 + erf(x / sqrt 2)), with Abramowitz-Stegun 7.1.26 for erf (error below 1.5e-7).
    private static float Gelu(float x)
    {
        double z = Math.Abs(x) / Math.Sqrt(2), t = 1 / (1 + 0.3275911 * z);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-z * z);
        return (float)(0.5 * x * (1 + Math.Sign(x) * erf));
    }
}
