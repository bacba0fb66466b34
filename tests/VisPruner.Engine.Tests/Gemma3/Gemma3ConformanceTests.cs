using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.Runtime;
using VisPruner.Engine.Tests.Conformance;
using VisPruner.Imaging;
using VisPruner.Imaging.Gemma3;
using Xunit.Abstractions;

namespace VisPruner.Engine.Tests.Gemma3;

/// <summary>
/// The engine with pruning off against ONNX Runtime GenAI's own gemma3 path on an unmodified model (its
/// <c>MultiModalProcessor</c> and <c>Generator.SetInputs</c>), on folders whose <c>image_features</c> has rank 3 and rank 2,
/// and one whose processor resizes bilinearly and says <c>keep_aspect_ratio</c> 1 (which GenAI 0.20 does not apply):
/// <list type="bullet">
/// <item>the prompt ids are equal (one BOS, each image's frame and 256 soft tokens), and so are the soft tokens per image;</item>
/// <item>the engine's <c>pixel_values</c> equal GenAI's within <see cref="OneUlp"/>;</item>
/// <item>given GenAI's own <c>pixel_values</c>, the engine's vision session and hook give first-step logits equal to GenAI's
/// and the same greedy tokens, and so do the engine's own.</item>
/// </list>
/// GenAI's own path needs the measured workarounds where GenAI 0.20 fails on its own: a one-image <c>pixel_values</c> for a
/// text-only request at rank 3, and the total count for two images at rank 2.
/// </summary>
public sealed class Gemma3ConformanceTests(Gemma3Folder folder, ITestOutputHelper output) : IClassFixture<Gemma3Folder>
{
    private const int Plane = Gemma3ImageProcessor.ImageSize * Gemma3ImageProcessor.ImageSize;
    private const string Question = "What is in this picture?";

    // One float32 ulp of values in [1, 2): the engine normalises as Hugging Face does, (v / 255 - 0.5) / 0.5, and GenAI's
    // Rescale (v * float(1 / 255)) and Normalize steps round differently, by at most this; the resized bytes are the same
    // (both are Pillow's 8-bit resampling).
    private const float OneUlp = 1.1920929E-07f;

    [Theory]
    [InlineData("rank3", "")]
    [InlineData("rank3", "640x480")]
    [InlineData("rank3", "300x500")]
    [InlineData("rank3", "896x896")]
    [InlineData("rank3", "square_336.png")]
    [InlineData("rank3", "wide_1000x200.png")]
    [InlineData("rank3", "tiny_50x37.png")]
    [InlineData("rank3", "640x480,300x500")]
    [InlineData("rank2", "")]
    [InlineData("rank2", "640x480")]
    [InlineData("rank2", "640x480,300x500")]
    [InlineData("linear", "640x480")]
    [InlineData("linear", "wide_1000x200.png")]
    public async Task Unpruned_requests_match_ONNX_Runtime_GenAIs_own_path(string variant, string imageList)
    {
        string path = folder.Of(variant);
        int rank = variant == "rank2" ? 2 : 3;
        string[] paths = [.. imageList.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(folder.Image)];
        ChatTurn[] turns = [new ChatTurn(TurnRole.System, "You describe pictures."), new ChatTurn(TurnRole.User, [.. paths.Select(_ => (ChatPart)new ImagePart()), new TextPart(Question)])];
        var request = new GenerationRequest(turns, [.. paths.Select(ImageInput.FromFile)], new GenerationOptions { Pruning = VisualTokenPruningOptions.Disabled });

        // Ours: the engine's own pipeline and hook.
        GenAiConfig config = GenAiConfig.Load(Path.Combine(path, GenAiConfig.FileName));
        var options = new MultimodalEngineOptions { Pruning = VisualTokenPruningOptions.Disabled, VisionFeatureCacheBytes = 0 };
        using GenAiModel model = GenAiModel.Load(path, config, options);
        Assert.Equal(rank, model.Stub.Rank);
        using IMultimodalPipeline pipeline = await ModelFamilies.LoadAsync(path, config, model, options, NullLogger.Instance, CancellationToken.None);
        RequestImage[] read = await RequestImages.ReadAsync(request.Images, options.ImageLimits, CancellationToken.None);
        PreparedPrompt prompt = await pipeline.PrepareAsync(request, read, config.Model.ContextLength, CancellationToken.None);
        (float[] engineLogits, int[] engineTokens) = HookedGeneration.Run(model, prompt.InputIds, prompt.ImageFeatures, prompt.ImageTokenCounts);

        // GenAI's own path on the unmodified folder, fed the template's text.
        using var reference = new Model(path);
        using var processor = new MultiModalProcessor(reference);
        using Images? images = paths.Length > 0 ? Images.Load(paths) : null;
        using NamedTensors inputs = processor.ProcessImages(pipeline.Template.Render(turns).Text, images);
        int[] referenceIds = GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data;
        Assert.Equal(referenceIds, prompt.InputIds);
        Assert.Equal(1, referenceIds.Count(id => id == folder.Info.BosTokenId));
        Assert.Equal(Enumerable.Repeat(256L, paths.Length), prompt.ImageTokenCounts);
        Assert.Equal(256 * paths.Length, referenceIds.Count(id => id == folder.Info.ImageTokenId));

        using var parameters = new GeneratorParams(reference);
        parameters.SetSearchOption("max_length", referenceIds.Length + HookedGeneration.GreedyTokens);
        using var generator = new Generator(reference, parameters);
        using var workaround = new PinnedInputs();
        (float[] referenceLogits, int[] referenceTokens) referenceRun;
        string measured;
        if (paths.Length == 0)
        {
            // GenAI 0.20 gives a rank-3 embedding a rank-2 empty image_features unless a one-image pixel_values sets the batch.
            if (rank == 3)
            {
                workaround.Set(generator, "pixel_values", new float[1], [1, 1, 1], ElementType.float32);
            }

            generator.AppendTokens(referenceIds);
            referenceRun = HookedGeneration.Greedy(generator, firstStepRunsTheModel: false);
            measured = "text only";
        }
        else
        {
            float pixels = ComparePixels(inputs, paths, await Gemma3ProcessorConfig.LoadAsync(Path.Combine(path, TinyGemma3Model.ProcessorFileName)));

            // GenAI's one count (256) sizes a rank-2 buffer for one image only: the total, as measured.
            if (rank == 2 && paths.Length > 1)
            {
                workaround.Set(generator, "num_image_tokens", [256L * paths.Length], [1], ElementType.int64);
            }

            generator.SetInputs(inputs);
            referenceRun = HookedGeneration.Greedy(generator, firstStepRunsTheModel: true);

            // Given GenAI's own vision inputs, the engine's vision session and hook give GenAI's logits and tokens exactly.
            (float[] ourLogits, int[] ourTokens) = HookedGeneration.Run(model, prompt.InputIds, VisionFeatures(path, config, inputs), prompt.ImageTokenCounts);
            Assert.Equal(0f, HookedGeneration.MaxDifference(referenceRun.referenceLogits, ourLogits));
            Assert.Equal(referenceRun.referenceTokens, ourTokens);
            measured = $"pixel_values max |diff| {pixels}";
        }

        float difference = HookedGeneration.MaxDifference(referenceRun.referenceLogits, engineLogits);
        output.WriteLine($"{variant}, {(imageList.Length == 0 ? "no image" : imageList)}: {prompt.InputIds.Length} prompt tokens; {measured}; " +
            $"first-step logits max |diff| {difference} on the engine's own inputs; greedy {string.Join(" ", referenceRun.referenceTokens)}");
        Assert.True(difference < 1e-4f, $"the engine's own run differs from GenAI's by {difference}");
        Assert.Equal(referenceRun.referenceTokens, engineTokens);
    }

    /// <summary>GenAI's pixel values against the engine's processor, image by image; returns the largest difference.</summary>
    private static float ComparePixels(NamedTensors inputs, string[] paths, Gemma3ProcessorOptions folderSettings)
    {
        // 896 x 896 whatever keep_aspect_ratio says.
        (long[] shape, float[] theirs) = GenAiProcessorOutputs.Read<float>(inputs, "pixel_values");
        Assert.Equal([paths.Length, 3L, 896, 896], shape);
        var processor = new Gemma3ImageProcessor(folderSettings);
        float largest = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            float[] mine = processor.Process(ImageDecoder.Decode(File.ReadAllBytes(paths[i]))).PixelValues.ToArray();
            float difference = HookedGeneration.MaxDifference(mine, theirs[(i * 3 * Plane)..((i + 1) * 3 * Plane)]);
            Assert.True(difference <= OneUlp, $"{Path.GetFileName(paths[i])}: pixel values differ by {difference}");
            largest = Math.Max(largest, difference);
        }

        return largest;
    }

    /// <summary>The engine's vision session (tap rewrite included) run on GenAI's own pixel values, one image at a time.</summary>
    private static float[] VisionFeatures(string path, GenAiConfig config, NamedTensors inputs)
    {
        VisionConfig vision = config.Model.Vision!;
        (InferenceSession session, _) = ReceivedAttentionTap.Load(Path.Combine(path, vision.FileName), new MultimodalEngineOptions(), NullLogger.Instance);
        using (session)
        {
            (long[] shape, float[] pixels) = GenAiProcessorOutputs.Read<float>(inputs, "pixel_values");
            var features = new List<float>();
            for (int i = 0; i < shape[0]; i++)
            {
                using var image = OrtValue.CreateTensorValueFromMemory(pixels[(i * 3 * Plane)..((i + 1) * 3 * Plane)], [1, 3, 896, 896]);
                using var runOptions = new RunOptions();
                using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, [vision.PixelValuesName], [image], [vision.ImageFeaturesName]);
                features.AddRange(outputs[0].GetTensorDataAsSpan<float>().ToArray());
            }

            return [.. features];
        }
    }
}
