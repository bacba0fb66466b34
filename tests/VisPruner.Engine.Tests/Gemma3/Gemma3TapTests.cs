using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Families;
using VisPruner.Engine.Gemma3;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Imaging;
using VisPruner.Imaging.Gemma3;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.Engine.Tests.Gemma3;

/// <summary>
/// gemma3 importance: the attention each of the 4096 patches receives in the last SigLIP layer (the one the projector
/// reads), read in memory, averaged over each soft token's 4 x 4 patches; the features unchanged; and the fallback when
/// the vision model's attention is fused.
/// </summary>
public sealed class Gemma3TapTests(Gemma3Folder folder) : IClassFixture<Gemma3Folder>
{
    private const int Side = 64, Patches = Side * Side;

    [Fact]
    public async Task Each_soft_token_s_importance_is_the_mean_received_attention_of_its_4_x_4_patches_and_the_features_are_unchanged()
    {
        string path = Path.Combine(folder.Path, TinyGemma3Model.VisionFileName);
        GenAiConfig config = GenAiConfig.Load(Path.Combine(folder.Path, GenAiConfig.FileName));
        var options = new MultimodalEngineOptions { VisionFeatureCacheBytes = 0 };
        byte[] bytes = TestImages.Bmp(640, 480, variant: 3);
        var processor = new Gemma3ImageProcessor(await Gemma3ProcessorConfig.LoadAsync(Path.Combine(folder.Path, TinyGemma3Model.ProcessorFileName)));
        (InferenceSession session, ReceivedAttentionTap tap) = ReceivedAttentionTap.Load(path, options, NullLogger.Instance);
        Gemma3EncodedImage encoded;
        using (var encoder = new Gemma3Encoder(session, tap, config.Model.Vision!, processor, config.Model.Decoder.HiddenSize, options))
        {
            var timing = new EncodeTiming();
            RequestImage[] read = await RequestImages.ReadAsync([ImageInput.FromBytes(bytes)], options.ImageLimits, CancellationToken.None);
            encoded = encoder.Encode(encoder.Plan(read[0], timing), timing, CancellationToken.None);
        }

        // The reference: the unmodified graph with the last Softmax's full probabilities exposed, averaged and pooled here.
        ModelProto model = OnnxModelFile.Load(path);
        NodeProto softmax = model.Graph.TopologicalOrder().Last(n => n.OpType == "Softmax");
        Assert.Contains("layers.1", softmax.Name, StringComparison.Ordinal); // the last of the demo's two layers
        model.Graph.ExposeAsOutput(softmax.Output[0], OnnxDataType.Float);
        using var sessionOptions = new SessionOptions();
        sessionOptions.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", folder.Path);
        using var reference = new InferenceSession(OnnxModelFile.ToBytes(model), sessionOptions);
        Gemma3Inputs inputs = processor.Process(ImageDecoder.Decode(bytes));
        using var pixels = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.PixelValues, [.. inputs.PixelValuesShape]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = reference.Run(runOptions, ["pixel_values"], [pixels], ["image_features", softmax.Output[0]]);
        Assert.Equal(outputs[0].GetTensorDataAsSpan<float>().ToArray(), encoded.Features);

        long[] shape = outputs[1].GetTensorTypeAndShape().Shape;
        Assert.Equal([1L, 2, Patches, Patches], shape);
        var perPatch = new float[Patches];
        VisPruner.Importance.ReceivedAttention.Mean(outputs[1].GetTensorDataAsSpan<float>(), (int)shape[1], perPatch.AsSpan());
        var expected = new float[256];
        for (int patch = 0; patch < Patches; patch++)
        {
            expected[(patch / Side / 4 * 16) + (patch % Side / 4)] += perPatch[patch] / 16;
        }

        // ONNX Runtime's ReduceMean and a sequential float sum round differently; attention values are about 1/4096.
        float difference = expected.Zip(encoded.Importance!, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(difference < 1e-8f, $"pooled received attention differs by {difference}");
        Assert.True(encoded.Importance!.Max() > 1.5f * encoded.Importance!.Min(), "the random model's attention is not uniform, so the test can tell tokens apart");
    }

    [Fact]
    public async Task Fused_attention_offers_no_tap_so_importance_falls_back_unless_attention_is_required()
    {
        string fused = folder.Variant(_ => { }, new TinyGemma3Options { VisionAttention = VisionAttentionKind.MultiHeadAttention });
        var required = new MultimodalEngineOptions { Pruning = new VisualTokenPruningOptions { Importance = ImportanceSignal.ClsAttention } };
        var error = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(fused, required));
        Assert.Equal(TinyGemma3Model.VisionFileName, error.File);

        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(fused);
        var request = new GenerationRequest(
            [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is shown?")])],
            [ImageInput.FromBytes(TestImages.Bmp(448, 448))],
            new GenerationOptions { MaxNewTokens = 2 });
        GenerationResult result = await engine.CompleteAsync(request);
        Assert.Equal((64, 256), (result.Statistics.VisualTokens, result.Statistics.VisualTokensBeforePruning));
    }
}
