using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Phi4Multimodal;
using VisPruner.Engine.Pruning;
using VisPruner.Imaging;
using VisPruner.Imaging.Phi4Multimodal;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.Engine.Tests.Phi4Multimodal;

/// <summary>The phi4mm attention tap: the mean attention each patch receives, read in memory, and the features unchanged.</summary>
public sealed class ReceivedAttentionTapTests(Phi4MultimodalFolder folder) : IClassFixture<Phi4MultimodalFolder>
{
    [Fact]
    public void The_tap_gives_the_received_attention_of_the_last_layer_and_leaves_the_features_unchanged()
    {
        string path = Path.Combine(folder.Path, TinyPhi4MultimodalModel.VisionFileName);
        Phi4MultimodalInputs inputs = new Phi4MultimodalImageProcessor().Process(ImageDecoder.Decode(TestImages.Bmp(900, 500, variant: 3)));
        int crops = 1 + inputs.Layout.CropCount;
        const int patches = 32 * 32;

        (InferenceSession tapped, ReceivedAttentionTap tap) = ReceivedAttentionTap.Load(path, new MultimodalEngineOptions(), NullLogger.Instance);
        float[] features, received = new float[crops * patches];
        using (tapped)
        using (var outputs = Run(tapped, inputs, ["image_features", .. tap.OutputNames]))
        {
            Assert.True(tap.IsAvailable);
            features = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            ReceivedAttentionTap.Read(outputs[1], crops, patches, received);
        }

        // The reference: the unmodified graph with the last Softmax's full probabilities exposed, averaged here.
        ModelProto model = OnnxModelFile.Load(path);
        NodeProto softmax = model.Graph.TopologicalOrder().Last(n => n.OpType == "Softmax");
        model.Graph.ExposeAsOutput(softmax.Output[0], OnnxDataType.Float);
        using var options = new SessionOptions();
        options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", folder.Path);
        using var reference = new InferenceSession(OnnxModelFile.ToBytes(model), options);
        using var referenceOutputs = Run(reference, inputs, ["image_features", softmax.Output[0]]);
        Assert.Equal(referenceOutputs[0].GetTensorDataAsSpan<float>().ToArray(), features);
        long[] shape = referenceOutputs[1].GetTensorTypeAndShape().Shape;
        int heads = (int)shape[1];
        Assert.Equal([crops, heads, patches, patches], shape);
        ReadOnlySpan<float> probabilities = referenceOutputs[1].GetTensorDataAsSpan<float>();
        var expected = new float[crops * patches];
        for (int crop = 0; crop < crops; crop++)
        {
            VisPruner.Importance.ReceivedAttention.Mean(probabilities.Slice(crop * heads * patches * patches, heads * patches * patches), heads, expected.AsSpan(crop * patches, patches));
        }

        // ONNX Runtime's ReduceMean and a sequential float sum round differently; attention values are about 1/1024.
        float difference = expected.Zip(received, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(difference < 1e-8f, $"received attention differs by {difference}");
        Assert.True(received.Max() > 2 * received.Min(), "the random model's attention is not uniform, so the test can tell patches apart");
    }

    [Fact]
    public async Task Fused_attention_offers_no_tap_so_importance_falls_back_unless_attention_is_required()
    {
        string fused = folder.Variant(_ => { }, new TinyPhi4MultimodalOptions { VisionAttention = VisionAttentionKind.MultiHeadAttention });
        (InferenceSession session, ReceivedAttentionTap tap) = ReceivedAttentionTap.Load(Path.Combine(fused, TinyPhi4MultimodalModel.VisionFileName), new MultimodalEngineOptions(), NullLogger.Instance);
        session.Dispose();
        Assert.False(tap.IsAvailable);

        var required = new MultimodalEngineOptions { Pruning = new VisualTokenPruningOptions { Importance = ImportanceSignal.ClsAttention } };
        var error = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(fused, required));
        Assert.Equal(TinyPhi4MultimodalModel.VisionFileName, error.File);

        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(fused);
        var request = new GenerationRequest(
            [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is shown?")])],
            [ImageInput.FromBytes(TestImages.Bmp(448, 448))],
            new GenerationOptions { MaxNewTokens = 2 });
        GenerationResult result = await engine.CompleteAsync(request);
        Assert.True(result.Statistics.VisualTokens < result.Statistics.VisualTokensBeforePruning);
    }

    private static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, Phi4MultimodalInputs inputs, string[] outputs)
    {
        using var pixels = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.PixelValues, [.. inputs.PixelValuesShape]);
        using var mask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.AttentionMask, [.. inputs.AttentionMaskShape]);
        using var sizes = OrtValue.CreateTensorValueFromMemory(inputs.ImageSizes.ToArray(), [1, 2]);
        using var runOptions = new RunOptions();
        return session.Run(runOptions, ["pixel_values", "image_attention_mask", "image_sizes"], [pixels, mask, sizes], outputs);
    }
}
