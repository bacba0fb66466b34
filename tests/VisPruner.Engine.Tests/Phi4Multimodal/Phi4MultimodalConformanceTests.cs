using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Phi4Multimodal;
using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.Runtime;
using VisPruner.Engine.Tests.Conformance;
using VisPruner.Imaging;
using VisPruner.Imaging.Phi4Multimodal;
using Xunit.Abstractions;

namespace VisPruner.Engine.Tests.Phi4Multimodal;

/// <summary>
/// The engine with pruning off against ONNX Runtime GenAI's own phi4mm path on an unmodified model (its
/// <c>MultiModalProcessor</c> and <c>Generator.SetInputs</c>):
/// <list type="bullet">
/// <item>the prompt ids (no BOS, 200010 placeholders) and per-image token counts are equal;</item>
/// <item><c>image_sizes</c> and <c>image_attention_mask</c> are equal; every sub-crop of <c>pixel_values</c> is equal within
/// <see cref="OneUlp"/>; the global view differs, and is shown to be exactly GenAI's method: Pillow's antialiased bicubic
/// (a = -0.5) of the normalised canvas, where Hugging Face's processor, which the engine follows, uses PyTorch's bicubic
/// (a = -0.75, no antialiasing);</item>
/// <item>given GenAI's own vision inputs, the engine's vision session and hook give first-step logits equal to the value
/// and the same greedy tokens.</item>
/// </list>
/// </summary>
public sealed class Phi4MultimodalConformanceTests(Phi4MultimodalFolder folder, ITestOutputHelper output) : IClassFixture<Phi4MultimodalFolder>
{
    private const int Crop = Phi4MultimodalImageLayout.CropSize, Plane = Crop * Crop, MaskPlane = 32 * 32;
    private const string Question = "What is in this picture?";

    // One float32 ulp of values in [1, 2): the engine normalises as Hugging Face does, (v / 255 - 0.5) / 0.5, GenAI's
    // Rescale and Normalize steps round differently, by at most this (measured: exactly this on every image).
    private const float OneUlp = 1.1920929E-07f;

    [Theory]
    [InlineData("")]
    [InlineData("448x448")]
    [InlineData("900x500")]
    [InlineData("500x900")]
    [InlineData("1000x1000")]
    [InlineData("square_336.png")]
    [InlineData("landscape_640x420.png")]
    [InlineData("portrait_500x700.png")]
    [InlineData("wide_1000x200.png")]
    [InlineData("tiny_50x37.png")]
    [InlineData("448x448,900x500")]
    public async Task Unpruned_requests_match_ONNX_Runtime_GenAIs_own_path(string imageList)
    {
        string[] paths = [.. imageList.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(folder.Image)];
        ChatTurn[] turns = [new ChatTurn(TurnRole.System, "You describe pictures."), new ChatTurn(TurnRole.User, [.. paths.Select(_ => (ChatPart)new ImagePart()), new TextPart(Question)])];
        var request = new GenerationRequest(turns, [.. paths.Select(ImageInput.FromFile)], new GenerationOptions { Pruning = VisualTokenPruningOptions.Disabled });

        // Ours: the engine's own pipeline and hook.
        GenAiConfig config = GenAiConfig.Load(System.IO.Path.Combine(folder.Path, GenAiConfig.FileName));
        var options = new MultimodalEngineOptions { Pruning = VisualTokenPruningOptions.Disabled, VisionFeatureCacheBytes = 0 };
        using GenAiModel model = GenAiModel.Load(folder.Path, config, options);
        using IMultimodalPipeline pipeline = await ModelFamilies.LoadAsync(folder.Path, config, model, options, NullLogger.Instance, CancellationToken.None);
        RequestImage[] read = await RequestImages.ReadAsync(request.Images, options.ImageLimits, CancellationToken.None);
        PreparedPrompt prompt = await pipeline.PrepareAsync(request, read, config.Model.ContextLength, CancellationToken.None);
        (float[] engineLogits, int[] engineTokens) = HookedGeneration.Run(model, prompt.InputIds, prompt.ImageFeatures, prompt.ImageTokenCounts);

        // GenAI's own path on the unmodified folder; its processor adds no BOS, and neither does Phi-4.
        string text = pipeline.Template.Render(turns).Text;
        using var reference = new Model(folder.Path);
        using var parameters = new GeneratorParams(reference);
        parameters.SetSearchOption("max_length", prompt.InputIds.Length + HookedGeneration.GreedyTokens);
        using var generator = new Generator(reference, parameters);
        using var processor = new MultiModalProcessor(reference);
        using Images? images = paths.Length > 0 ? Images.Load(paths) : null;
        using NamedTensors inputs = processor.ProcessImages(text, images);
        int[] referenceIds = GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data;
        Assert.Equal(referenceIds, prompt.InputIds);
        Assert.Equal(referenceIds.Count(id => id == folder.Info.ImageTokenId), prompt.ImageTokenCounts.Sum());
        if (paths.Length == 0)
        {
            generator.AppendTokens(referenceIds);
            (float[] textLogits, int[] textTokens) = HookedGeneration.Greedy(generator, firstStepRunsTheModel: false);
            Assert.Equal(0f, HookedGeneration.MaxDifference(textLogits, engineLogits));
            Assert.Equal(textTokens, engineTokens);
            return;
        }

        Assert.Equal(GenAiProcessorOutputs.Read<long>(inputs, "num_image_tokens").Data, prompt.ImageTokenCounts);
        ComparePixels(inputs, paths);
        if (paths.Length > 1)
        {
            // GenAI runs every image of a prompt through the vision model in one batch; the demo vision graph takes one
            // image per run (as the engine calls it), so GenAI's own generator cannot run here: prompt and pixels only.
            return;
        }

        // Given GenAI's own vision inputs, the engine's vision session and hook give GenAI's logits and tokens exactly.
        generator.SetInputs(inputs);
        (float[] referenceLogits, int[] referenceTokens) = HookedGeneration.Greedy(generator, firstStepRunsTheModel: true);
        (float[] ourLogits, int[] ourTokens) = HookedGeneration.Run(model, prompt.InputIds, VisionFeatures(config, inputs), prompt.ImageTokenCounts);
        float maxDifference = HookedGeneration.MaxDifference(referenceLogits, ourLogits);
        output.WriteLine($"{imageList}: {prompt.InputIds.Length} prompt tokens ({prompt.ImageTokenCounts[0]} image); first-step logits max |diff| {maxDifference} " +
            $"on GenAI's vision inputs, {HookedGeneration.MaxDifference(referenceLogits, engineLogits)} on the engine's own; greedy {string.Join(" ", referenceTokens)}");
        Assert.Equal(0f, maxDifference);
        Assert.Equal(referenceTokens, ourTokens);
    }

    /// <summary>GenAI's vision inputs against the engine's processor, image by image.</summary>
    private void ComparePixels(NamedTensors inputs, string[] paths)
    {
        (long[] shape, float[] theirs) = GenAiProcessorOutputs.Read<float>(inputs, "pixel_values");
        (_, float[] theirMasks) = GenAiProcessorOutputs.Read<float>(inputs, "image_attention_mask");
        long[] theirSizes = GenAiProcessorOutputs.Read<long>(inputs, "image_sizes").Data;
        int maxCrops = (int)shape[1];
        var processor = new Phi4MultimodalImageProcessor();
        for (int i = 0; i < paths.Length; i++)
        {
            Phi4MultimodalInputs ours = processor.Process(ImageDecoder.Decode(File.ReadAllBytes(paths[i])));
            Phi4MultimodalImageLayout layout = ours.Layout;
            int crops = 1 + layout.CropCount;
            float[] mine = ours.PixelValues.ToArray(), myMask = ours.AttentionMask.ToArray();
            float[] reference = theirs[(i * maxCrops * 3 * Plane)..][..(crops * 3 * Plane)];
            float[] referenceMask = theirMasks[(i * maxCrops * MaskPlane)..][..(crops * MaskPlane)];
            Assert.Equal([layout.Height, layout.Width], theirSizes[(2 * i)..((2 * i) + 2)]);
            float subCrops = HookedGeneration.MaxDifference(mine[(3 * Plane)..], reference[(3 * Plane)..]);
            float global = HookedGeneration.MaxDifference(mine[..(3 * Plane)], reference[..(3 * Plane)]);
            float pillow = HookedGeneration.MaxDifference(PillowGlobalView(reference, layout), reference[..(3 * Plane)]);
            int maskDifferences = myMask.Zip(referenceMask, (a, b) => a != b ? 1 : 0).Sum();
            output.WriteLine($"  {System.IO.Path.GetFileName(paths[i])}: {layout.CropRows}x{layout.CropColumns} crops, {layout.NumImageTokens} tokens; " +
                $"sub-crops max |diff| {subCrops}; global view max |diff| {global} (against Pillow-style bicubic of GenAI's canvas: {pillow}); " +
                $"mask values that differ: {maskDifferences} of {myMask.Length}");
            Assert.True(subCrops <= OneUlp, $"sub-crops differ by {subCrops}");
            Assert.True(pillow <= 1e-5f, $"GenAI's global view is not Pillow's float bicubic: max |diff| {pillow}");
            Assert.Equal(0, maskDifferences);
        }
    }

    // GenAI's global view: Pillow's antialiased float bicubic of the normalised canvas its sub-crops tile.
    private static float[] PillowGlobalView(float[] reference, Phi4MultimodalImageLayout layout)
    {
        int width = layout.Width, height = layout.Height;
        var view = new float[3 * Plane];
        for (int c = 0; c < 3; c++)
        {
            var canvas = new float[width * height];
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    int crop = 1 + ((y / Crop) * layout.CropColumns) + (x / Crop);
                    canvas[(y * width) + x] = reference[(crop * 3 * Plane) + (c * Plane) + ((y % Crop) * Crop) + (x % Crop)];
                }
            }

            PillowFloatBicubic.Resize(canvas, width, height, Crop, Crop).CopyTo(view, c * Plane);
        }

        return view;
    }

    /// <summary>The engine's vision session (tap rewrite included) run on GenAI's own vision inputs for one image.</summary>
    private float[] VisionFeatures(GenAiConfig config, NamedTensors inputs)
    {
        VisionConfig vision = config.Model.Vision!;
        (InferenceSession session, _) = ReceivedAttentionTap.Load(System.IO.Path.Combine(folder.Path, vision.FileName), new MultimodalEngineOptions(), NullLogger.Instance);
        using (session)
        {
            (long[] pixelShape, float[] pixels) = GenAiProcessorOutputs.Read<float>(inputs, "pixel_values");
            (long[] maskShape, float[] mask) = GenAiProcessorOutputs.Read<float>(inputs, "image_attention_mask");
            (long[] sizesShape, long[] sizes) = GenAiProcessorOutputs.Read<long>(inputs, "image_sizes");
            using var pixelTensor = OrtValue.CreateTensorValueFromMemory(pixels, pixelShape);
            using var maskTensor = OrtValue.CreateTensorValueFromMemory(mask, maskShape);
            using var sizesTensor = OrtValue.CreateTensorValueFromMemory(sizes, sizesShape);
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(
                runOptions, [vision.PixelValuesName, "image_attention_mask", vision.ImageSizesName], [pixelTensor, maskTensor, sizesTensor], [vision.ImageFeaturesName]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
    }
}
