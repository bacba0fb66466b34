using System.Numerics.Tensors;
using Microsoft.Extensions.Logging.Abstractions;
using VisPruner.DemoModels;
using VisPruner.Engine.Phi3Vision;
using VisPruner.Imaging;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace VisPruner.Engine.Tests.Phi3Vision;

public sealed class Phi3VisionTapTests : IDisposable
{
    private const int Patches = 576;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vispruner-tap-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<VisionAttentionKind> Variants => [VisionAttentionKind.Unfused, VisionAttentionKind.MultiHeadAttention];

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_tap_reads_the_penultimate_layers_cls_attention(VisionAttentionKind variant)
    {
        var options = new TinyPhi3VisionOptions { VisionAttention = variant };
        string folder = Path.Combine(_root, variant.ToString());
        TinyPhi3VisionModel.Write(folder, options);
        string visionPath = Path.Combine(folder, TinyPhi3VisionModel.VisionFileName);
        Phi3VisionInputs inputs = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 4 })
            .Process(ImageDecoder.Decode(TestImages.Bmp(500, 300)));
        int crops = inputs.Layouts[0].CropCount + 1;

        (InferenceSession session, Phi3VisionTap tap) = Phi3VisionTap.Load(visionPath, new MultimodalEngineOptions(), NullLogger.Instance);
        var fromTap = new float[crops * Patches];
        using (session)
        using (IDisposableReadOnlyCollection<OrtValue> outputs = Run(session, inputs, ["image_features", .. tap.OutputNames]))
        {
            Assert.Equal(variant == VisionAttentionKind.Unfused ? Phi3VisionTap.TapKind.SoftmaxProbabilities : Phi3VisionTap.TapKind.MultiHeadAttention, tap.Kind);
            tap.ReadClsAttention([.. outputs.Skip(1)], crops, Patches, fromTap);
        }

        float[] expected = IndependentClsAttention(visionPath, inputs, options, crops);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - fromTap[i]) <= 1e-5f + (1e-3f * expected[i]), $"element {i}: tap {fromTap[i]}, independent {expected[i]}");
        }

        // Attention over the patches, [CLS] key dropped and not renormalised: each crop sums to less than one.
        Assert.All(Enumerable.Range(0, crops), c => Assert.InRange(fromTap.AsSpan(c * Patches, Patches).ToArray().Sum(), 0.01f, 0.9999f));
    }

    [Fact]
    public void A_vision_model_without_attention_nodes_has_no_tap()
    {
        var graph = new GraphProto { Name = "plain" };
        graph.Input.Add(OnnxTypes.TensorValueInfo("pixel_values", OnnxDataType.Float, [1, 4]));
        graph.Output.Add(OnnxTypes.TensorValueInfo("image_features", OnnxDataType.Float, [1, 4]));
        graph.Node.Add(new NodeProto { OpType = "Relu", Input = { "pixel_values" }, Output = { "image_features" } });
        var model = new ModelProto { IrVersion = 10, Graph = graph, OpsetImport = { new OperatorSetIdProto { Version = 21 } } };
        string path = Path.Combine(_root, "plain.onnx");
        Directory.CreateDirectory(_root);
        OnnxModelFile.Save(model, path);

        (InferenceSession session, Phi3VisionTap tap) = Phi3VisionTap.Load(path, new MultimodalEngineOptions(), NullLogger.Instance);
        using (session)
        {
            Assert.Equal(Phi3VisionTap.TapKind.None, tap.Kind);
            Assert.Empty(tap.OutputNames);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, Phi3VisionInputs inputs, IReadOnlyList<string> outputs)
    {
        using OrtValue pixels = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.PixelValues, [.. inputs.PixelValuesShape]);
        using OrtValue sizes = OrtValue.CreateTensorValueFromMemory(inputs.ImageSizes.ToArray(), [1, 2]);
        using var options = new RunOptions();
        return session.Run(options, ["pixel_values", "image_sizes"], [pixels, sizes], [.. outputs]);
    }

    /// <summary>
    /// The same quantity from first principles: the penultimate layer's attention input (exposed from an untouched copy of the
    /// graph), its q/k projection weights read from the model file, softmax(q_cls . k / sqrt(d)) per head, mean over heads.
    /// </summary>
    private static float[] IndependentClsAttention(string visionPath, Phi3VisionInputs inputs, TinyPhi3VisionOptions options, int crops)
    {
        int layer = options.VisionLayers - 2, c = options.VisionHiddenSize, heads = options.VisionHeads, d = c / heads, keys = Patches + 1;
        string folder = Path.GetDirectoryName(visionPath)!;
        ModelProto model = OnnxModelFile.Load(visionPath);
        string normed = $"/vision_model/encoder/layers.{layer}/layer_norm1/LayerNormalization_output_0";
        model.Graph.ExposeAsOutput(normed, OnnxDataType.Float);
        float[] Weight(string name) => OnnxTensors.Read<float>(model.Graph.Initializer.Single(t => t.Name == name), folder);
        string prefix = $"vision_model.encoder.layers.{layer}.self_attn";
        float[] wq = Weight(prefix + ".q_proj.weight"), bq = Weight(prefix + ".q_proj.bias");
        float[] wk = Weight(prefix + ".k_proj.weight"), bk = Weight(prefix + ".k_proj.bias");

        float[] x;
        using var sessionOptions = new SessionOptions();
        sessionOptions.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", folder);
        using (var session = new InferenceSession(OnnxModelFile.ToBytes(model), sessionOptions))
        using (IDisposableReadOnlyCollection<OrtValue> outputs = Run(session, inputs, [normed]))
        {
            x = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        var result = new float[crops * Patches];
        for (int crop = 0; crop < crops; crop++)
        {
            float[] Project(int token, float[] w, float[] b)
            {
                var y = (float[])b.Clone();
                for (int i = 0; i < c; i++)
                {
                    float xi = x[(((crop * keys) + token) * c) + i];
                    for (int o = 0; o < c; o++)
                    {
                        y[o] += xi * w[(i * c) + o];
                    }
                }

                return y;
            }

            float[] q = Project(0, wq, bq);
            float[][] k = [.. Enumerable.Range(0, keys).Select(t => Project(t, wk, bk))];
            for (int h = 0; h < heads; h++)
            {
                var scores = new float[keys];
                for (int t = 0; t < keys; t++)
                {
                    scores[t] = TensorPrimitives.Dot(q.AsSpan(h * d, d), k[t].AsSpan(h * d, d)) / MathF.Sqrt(d);
                }

                TensorPrimitives.SoftMax(scores, scores);
                for (int n = 0; n < Patches; n++)
                {
                    result[(crop * Patches) + n] += scores[n + 1] / heads;
                }
            }
        }

        return result;
    }
}
