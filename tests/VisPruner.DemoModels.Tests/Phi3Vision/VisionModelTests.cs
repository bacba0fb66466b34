using VisPruner.DemoModels;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace VisPruner.DemoModels.Tests.Phi3Vision;

public sealed class VisionModelTests : IDisposable
{
    private readonly DemoModelFolder _unfused = new();
    private readonly DemoModelFolder _fused = new(new TinyPhi3VisionOptions { VisionAttention = VisionAttentionKind.MultiHeadAttention });

    public void Dispose()
    {
        _unfused.Dispose();
        _fused.Dispose();
    }

    [Theory]
    [InlineData(500, 300, 1, 1, 1)]
    [InlineData(300, 700, 2, 2, 1)]
    [InlineData(500, 300, 4, 2, 2)]
    public void A_processed_image_gives_one_feature_row_per_layout_token_with_separators_where_the_layout_puts_them(
        int width, int height, int numCrops, int cropRows, int cropColumns)
    {
        Phi3VisionInputs inputs = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = numCrops })
            .Process(DemoModelRunner.SyntheticImage(width, height));
        Phi3VisionImageLayout layout = inputs.Layouts[0];
        Assert.Equal((cropRows, cropColumns), (layout.CropRows, layout.CropColumns));

        float[] features = RunVision(_unfused, inputs);
        int hidden = _unfused.Info.Options.HiddenSize;
        int rows = features.Length / hidden;
        Assert.Equal(layout.NumImageTokens, rows);
        Assert.Equal(TinyPhi3VisionModelInfo.ImageTokenCount(cropRows, cropColumns), rows);

        // Every row separator (sub-image and global) is the projector applied to sub_GN: all equal, and unlike
        // the single glb_GN row and every patch row.
        ReadOnlySpan<float> Row(int i) => features.AsSpan(i * hidden, hidden);
        int firstSeparator = -1, globalSeparator = -1;
        for (int i = 0; i < rows; i++)
        {
            Phi3VisionTokenKind kind = layout.GetToken(i).Kind;
            if (kind is Phi3VisionTokenKind.SubImageRowSeparator or Phi3VisionTokenKind.GlobalRowSeparator)
            {
                firstSeparator = firstSeparator < 0 ? i : firstSeparator;
                DemoModelRunner.AssertClose(Row(firstSeparator), Row(i), 1e-5f, $"separator row {i}");
            }
            else if (kind == Phi3VisionTokenKind.GlobalSeparator)
            {
                globalSeparator = i;
            }
        }

        Assert.Equal(layout.SubImageTokenRows * (layout.SubImageTokensPerRow + 1), globalSeparator);
        Assert.False(Row(globalSeparator).SequenceEqual(Row(firstSeparator)));
        for (int i = 0; i < rows; i++)
        {
            if (layout.GetToken(i).Kind is Phi3VisionTokenKind.SubImagePatch or Phi3VisionTokenKind.GlobalPatch)
            {
                Assert.False(MaxDifference(Row(i), Row(firstSeparator)) < 1e-3f, $"patch row {i} looks like a separator");
            }
        }
    }

    [Fact]
    public void Fused_and_unfused_attention_compute_the_same_features()
    {
        Phi3VisionInputs inputs = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 4 })
            .Process(DemoModelRunner.SyntheticImage(500, 300));
        float[] unfused = RunVision(_unfused, inputs);
        float[] fused = RunVision(_fused, inputs);
        DemoModelRunner.AssertClose(unfused, fused, 1e-4f, "MultiHeadAttention vs unfused features");
    }

    [Fact]
    public void The_unfused_graph_exposes_the_last_layers_attention_probabilities_and_the_fused_one_uses_MultiHeadAttention()
    {
        var unfused = OnnxModelFile.Load(_unfused.File(TinyPhi3VisionModel.VisionFileName));
        var softmaxes = unfused.Graph.Node.Where(n => n.OpType == "Softmax").Select(n => n.Name).ToArray();
        int graphLayers = _unfused.Info.Options.VisionLayers - 1;
        Assert.Equal(Enumerable.Range(0, graphLayers).Select(l => $"/vision_model/encoder/layers.{l}/self_attn/Softmax"), softmaxes);

        // Export-style node names, unique, for the residual stream and the projector.
        Assert.Equal(unfused.Graph.Node.Count, unfused.Graph.Node.Select(n => n.Name).Distinct().Count());
        string[] names = [.. unfused.Graph.Node.Select(n => n.Name)];
        for (int layer = 0; layer < graphLayers; layer++)
        {
            Assert.Contains($"/vision_model/encoder/layers.{layer}/Add", names);
            Assert.Contains($"/vision_model/encoder/layers.{layer}/Add_1", names);
        }

        Assert.Contains("/img_projection/img_projection.0/MatMul", names);
        Assert.Contains("/img_projection/img_projection.2/Add", names);

        var fused = OnnxModelFile.Load(_fused.File(TinyPhi3VisionModel.VisionFileName));
        Assert.DoesNotContain(fused.Graph.Node, n => n.OpType == "Softmax");
        Assert.Equal(graphLayers, fused.Graph.Node.Count(n => n.OpType == "MultiHeadAttention" && n.Domain == "com.microsoft"));
    }

    [Fact]
    public void The_last_layers_CLS_attention_is_a_distribution_that_singles_out_some_patches()
    {
        // The pruning hook ranks patches by this row; uniform attention would make every ranking arbitrary.
        int lastLayer = _unfused.Info.Options.VisionLayers - 2;
        string probabilities = $"/vision_model/encoder/layers.{lastLayer}/self_attn/Softmax_output_0";
        var model = OnnxModelFile.Load(_unfused.File(TinyPhi3VisionModel.VisionFileName), loadExternalData: true);
        model.Graph.ExposeAsOutput(probabilities, OnnxDataType.Float);
        Phi3VisionInputs inputs = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 1 })
            .Process(DemoModelRunner.SyntheticImage(500, 300));
        using InferenceSession session = new InferenceSession(OnnxModelFile.ToBytes(model));
        float[] attention = DemoModelRunner.Run(session, probabilities,
            ("pixel_values", OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.PixelValues, [.. inputs.PixelValuesShape])),
            ("image_sizes", OrtValue.CreateTensorValueFromMemory(inputs.ImageSizes.ToArray(), [1, 2])));

        int heads = _unfused.Info.Options.VisionHeads;
        Assert.Equal(2 * heads * 577 * 577, attention.Length); // global view + one sub-crop
        for (int head = 0; head < 2 * heads; head++)
        {
            ReadOnlySpan<float> clsRow = attention.AsSpan(head * 577 * 577, 577);
            Assert.Equal(1.0, clsRow.ToArray().Sum(v => (double)v), 4);
            float max = clsRow[1..].ToArray().Max();
            Assert.True(max > 3f / 577, $"crop/head {head}: the strongest patch gets {max}, barely above uniform");
        }
    }

    [Fact]
    public void Padding_crops_beyond_the_grid_are_ignored()
    {
        Phi3VisionInputs inputs = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 4 })
            .Process(DemoModelRunner.SyntheticImage(500, 300));
        float[] expected = RunVision(_unfused, inputs);

        // The same image with two extra crops of noise after its 1 + 4 real ones.
        const int crop = 3 * 336 * 336;
        int used = inputs.Layouts[0].CropCount + 1;
        float[] padded = new float[(used + 2) * crop];
        inputs.PixelValues.Span[..(used * crop)].CopyTo(padded);
        var noise = new Random(5);
        for (int i = used * crop; i < padded.Length; i++)
        {
            padded[i] = (float)noise.NextDouble();
        }

        using InferenceSession session = _unfused.Load(TinyPhi3VisionModel.VisionFileName);
        float[] actual = DemoModelRunner.Run(session, "image_features",
            ("pixel_values", OrtValue.CreateTensorValueFromMemory(padded, [1, used + 2, 3, 336, 336])),
            ("image_sizes", OrtValue.CreateTensorValueFromMemory(inputs.ImageSizes.ToArray(), [1, 2])));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void More_than_one_image_per_run_is_rejected()
    {
        using InferenceSession session = _unfused.Load(TinyPhi3VisionModel.VisionFileName);
        Assert.ThrowsAny<OnnxRuntimeException>(() => DemoModelRunner.Run(session, "image_features",
            ("pixel_values", OrtValue.CreateTensorValueFromMemory(new float[2 * 2 * 3 * 336 * 336], [2, 2, 3, 336, 336])),
            ("image_sizes", OrtValue.CreateTensorValueFromMemory(new long[] { 336, 336, 336, 336 }, [2, 2]))));
    }

    private static float[] RunVision(DemoModelFolder folder, Phi3VisionInputs inputs)
    {
        using InferenceSession session = folder.Load(TinyPhi3VisionModel.VisionFileName);
        return DemoModelRunner.Run(session, "image_features",
            ("pixel_values", OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.PixelValues, [.. inputs.PixelValuesShape])),
            ("image_sizes", OrtValue.CreateTensorValueFromMemory(inputs.ImageSizes.ToArray(), [1, 2])));
    }

    private static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }
}
