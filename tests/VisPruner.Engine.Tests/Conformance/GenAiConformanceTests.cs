using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.ChatTemplates;
using VisPruner.DemoModels;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging;
using VisPruner.Imaging.Phi3Vision;
using Xunit.Abstractions;

namespace VisPruner.Engine.Tests.Conformance;

/// <summary>
/// The engine with pruning off against ONNX Runtime GenAI's own image path on an unmodified model (its
/// <c>MultiModalProcessor</c> and <c>Generator.SetInputs</c>). GenAI 0.18's processor always applies the 16-crop HD
/// transform (it ignores <c>num_crops</c>), so the folder here says 16, to compare like with like. Then:
/// <list type="bullet">
/// <item>the prompt ids, image placeholders and per-image token counts are equal;</item>
/// <item>every sub-crop of <c>pixel_values</c> is equal to the value; the global view differs, and is shown to be exactly
/// GenAI's method: Pillow's antialiased bicubic (a = -0.5) of the normalised canvas, where Hugging Face's Phi-3.5-vision
/// processor, which the engine follows, uses PyTorch's bicubic (a = -0.75, no antialiasing);</item>
/// <item>given GenAI's own <c>pixel_values</c>, the engine's hook (rewritten vision model, stub, placeholders) gives
/// first-step logits equal to the value and the same greedy tokens.</item>
/// </list>
/// </summary>
public sealed class GenAiConformanceTests(ConformanceFolder folder, ITestOutputHelper output) : IClassFixture<ConformanceFolder>
{
    private const int GreedyTokens = HookedGeneration.GreedyTokens;
    private const string Question = "What is in this picture?";

    // One 8-bit level after CLIP normalisation, in the channel with the smallest standard deviation.
    private const float OneLevel = 1.0001f / 255f / 0.26130258f;

    [Theory]
    [InlineData("")]
    [InlineData("square_336.png")]
    [InlineData("landscape_640x420.png")]
    [InlineData("portrait_500x700.png")]
    [InlineData("wide_1000x200.png")]
    [InlineData("tiny_50x37.png")]
    [InlineData("large_900x900.png")]
    [InlineData("tiny_50x37.png,square_336.png")]
    [InlineData("wide_1000x200.png,landscape_640x420.png")]
    public async Task Unpruned_requests_match_ONNX_Runtime_GenAIs_own_path(string imageList)
    {
        string[] imageFiles = imageList.Split(',', StringSplitOptions.RemoveEmptyEntries);
        string[] paths = [.. imageFiles.Select(f => Path.Combine(AppContext.BaseDirectory, "Conformance", "Images", f))];
        ChatTurn[] turns = [new ChatTurn(TurnRole.System, "You describe pictures."), new ChatTurn(TurnRole.User, [.. paths.Select(_ => (ChatPart)new ImagePart()), new TextPart(Question)])];
        var request = new GenerationRequest(turns, [.. paths.Select(ImageInput.FromFile)], new GenerationOptions { Pruning = VisualTokenPruningOptions.Disabled });

        // Ours: the engine's own pipeline and hook.
        GenAiConfig config = GenAiConfig.Load(Path.Combine(folder.Path, GenAiConfig.FileName));
        var options = new MultimodalEngineOptions { Pruning = VisualTokenPruningOptions.Disabled, VisionFeatureCacheBytes = 0 };
        using GenAiModel model = GenAiModel.Load(folder.Path, config, options);
        using IMultimodalPipeline pipeline = await ModelFamilies.LoadAsync(folder.Path, config, model, options, NullLogger.Instance, CancellationToken.None);
        RequestImage[] read = await RequestImages.ReadAsync(request.Images, options.ImageLimits, CancellationToken.None);
        PreparedPrompt prompt = await pipeline.PrepareAsync(request, read, config.Model.ContextLength, CancellationToken.None);
        (float[] engineLogits, _) = HookedGeneration.Run(model, prompt.InputIds, prompt.ImageFeatures, prompt.ImageTokenCounts);
        float[] ourLogits = engineLogits;
        int[] ourTokens = HookedGeneration.Run(model, prompt.InputIds, prompt.ImageFeatures, prompt.ImageTokenCounts).Tokens;

        // GenAI's own path on the unmodified folder. Its processor adds no BOS, so the prompt carries it as text.
        string text = "<s>" + ChatTemplateCatalog.ForModelType("phi3v").Render(turns).Text;
        using var reference = new Model(folder.Path);
        using var parameters = new GeneratorParams(reference);
        parameters.SetSearchOption("max_length", prompt.InputIds.Length + GreedyTokens);
        using var generator = new Generator(reference, parameters);
        using Microsoft.ML.OnnxRuntimeGenAI.Tokenizer tokenizer = new(reference);
        int[] referenceIds;
        if (paths.Length == 0)
        {
            using Sequences sequences = tokenizer.Encode(text);
            referenceIds = sequences[0].ToArray();
            generator.AppendTokens(referenceIds);
        }
        else
        {
            using var processor = new MultiModalProcessor(reference);
            using var images = Images.Load(paths);
            using NamedTensors inputs = processor.ProcessImages(text, images);
            referenceIds = GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data; // int32 in the processor's output
            (float[] pixelValues, Phi3VisionImageLayout[] layouts) = ComparePixelValues(inputs, paths);
            if (paths.Length > 1)
            {
                // GenAI runs every image of a prompt through the vision model in one batch; the demo vision graph takes one
                // image per run (as the engine calls it), so GenAI's own generator cannot run here: prompt and pixels only.
                Assert.Equal(referenceIds, prompt.InputIds);
                Assert.Equal(paths.Select((_, i) => (long)referenceIds.Count(id => id == -(i + 1))), prompt.ImageTokenCounts);
                return;
            }

            generator.SetInputs(inputs);
            (ourLogits, ourTokens) = HookedGeneration.Run(model, prompt.InputIds, VisionFeatures(folder.Path, config, pixelValues, layouts), prompt.ImageTokenCounts);
        }

        Assert.Equal(referenceIds, prompt.InputIds);
        for (int image = 1; image <= paths.Length; image++)
        {
            Assert.Equal(referenceIds.Count(id => id == -image), prompt.ImageTokenCounts[image - 1]);
        }

        (float[] referenceLogits, int[] referenceTokens) = HookedGeneration.Greedy(generator, firstStepRunsTheModel: paths.Length > 0);
        float maxDifference = HookedGeneration.MaxDifference(referenceLogits, ourLogits);
        output.WriteLine($"{string.Join(" + ", imageFiles.DefaultIfEmpty("text only"))}: {prompt.InputIds.Length} prompt tokens; " +
            $"first-step logits max |diff| {maxDifference} on GenAI's pixel_values, {HookedGeneration.MaxDifference(referenceLogits, engineLogits)} on the engine's own");
        Assert.Equal(0f, maxDifference);
        Assert.Equal(referenceTokens, ourTokens);
    }

    /// <summary>The engine's vision session (tap rewrite included) run on given <c>pixel_values</c>, one image per run.</summary>
    private static float[] VisionFeatures(string folder, GenAiConfig config, float[] pixelValues, Phi3VisionImageLayout[] layouts)
    {
        VisionConfig vision = config.Model.Vision!;
        (Microsoft.ML.OnnxRuntime.InferenceSession session, VisPruner.Engine.Phi3Vision.Phi3VisionTap _) = VisPruner.Engine.Phi3Vision.Phi3VisionTap.Load(Path.Combine(folder, vision.FileName), new MultimodalEngineOptions(), NullLogger.Instance);
        using (session)
        {
            var features = new List<float>();
            int perImage = pixelValues.Length / layouts.Length;
            for (int i = 0; i < layouts.Length; i++)
            {
                Phi3VisionImageLayout layout = layouts[i];
                float[] pixels = pixelValues[(i * perImage)..((i + 1) * perImage)];
                using var pixelTensor = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(pixels, [1, 17, 3, 336, 336]);
                using var sizes = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new long[] { layout.Height, layout.Width }, [1, 2]);
                using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
                using var outputs = session.Run(runOptions, [vision.PixelValuesName, vision.ImageSizesName], [pixelTensor, sizes], [vision.ImageFeaturesName]);
                features.AddRange(outputs[0].GetTensorDataAsSpan<float>().ToArray());
            }

            return [.. features];
        }
    }

    /// <summary>
    /// GenAI's <c>pixel_values</c> against the engine's: sub-crops equal to the value; the global view equal to GenAI's
    /// method (Pillow's float bicubic of the normalised canvas the sub-crops tile) and, measured, unlike PyTorch's.
    /// </summary>
    private (float[] PixelValues, Phi3VisionImageLayout[] Layouts) ComparePixelValues(NamedTensors inputs, string[] paths)
    {
        const int side = Phi3VisionImageLayout.CropSize, plane = side * side;
        (long[] shape, float[] theirs) = GenAiProcessorOutputs.Read<float>(inputs, "pixel_values");
        var processor = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 16 });
        var layouts = new Phi3VisionImageLayout[paths.Length];
        int perImage = theirs.Length / paths.Length;
        for (int i = 0; i < paths.Length; i++)
        {
            RgbImage image = ImageDecoder.Decode(File.ReadAllBytes(paths[i]));
            Phi3VisionInputs ours = processor.Process(image);
            Phi3VisionImageLayout layout = layouts[i] = ours.Layouts[0];
            Assert.Equal([1, .. shape[1..]], ours.PixelValuesShape);
            float[] mine = ours.PixelValues.ToArray();
            float[] reference = theirs[(i * perImage)..((i + 1) * perImage)];
            float subCrops = HookedGeneration.MaxDifference(mine[(3 * plane)..], reference[(3 * plane)..]); // every sub-crop, and the zero padding crops
            if (processor.GetGeometry(image.Width, image.Height).Transposed)
            {
                // Hugging Face resizes a portrait image transposed (its vertical pass first); GenAI does not. The two
                // orders round the 8-bit intermediate differently, by at most one level (checked against Pillow: GenAI's
                // sub-crops are exactly Pillow's horizontal-first resize).
                Assert.True(subCrops <= OneLevel, $"portrait sub-crops differ by {subCrops}, more than one 8-bit level");
            }
            else
            {
                Assert.Equal(0f, subCrops);
            }

            // The global view: rebuild GenAI's normalised canvas from its sub-crops, resize it the Pillow way.
            int width = layout.CropColumns * side, height = layout.CropRows * side;
            var globalView = new float[3 * plane];
            for (int c = 0; c < 3; c++)
            {
                var canvas = new float[width * height];
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        int crop = 1 + ((y / side) * layout.CropColumns) + (x / side);
                        canvas[(y * width) + x] = reference[(crop * 3 * plane) + (c * plane) + ((y % side) * side) + (x % side)];
                    }
                }

                PillowFloatBicubic.Resize(canvas, width, height, side, side).CopyTo(globalView, c * plane);
            }

            float pillow = HookedGeneration.MaxDifference(globalView, reference[..(3 * plane)]);
            float torch = HookedGeneration.MaxDifference(mine[..(3 * plane)], reference[..(3 * plane)]);
            output.WriteLine($"  {Path.GetFileName(paths[i])}: {layout.CropRows}x{layout.CropColumns} crops; sub-crops max |diff| {subCrops}; global view max |diff| " +
                $"{pillow} against Pillow-style bicubic, {torch} against the engine's PyTorch-style bicubic");
            Assert.True(pillow <= 1e-5f, $"GenAI's global view is not Pillow's float bicubic: max |diff| {pillow}");
        }

        return (theirs, layouts);
    }
}

/// <summary>A demo folder whose processor configuration asks for 16 crops, as GenAI's processor always applies.</summary>
public sealed class ConformanceFolder : IDisposable
{
    // Two 16-crop images take up to 5,070 visual tokens.
    public ConformanceFolder() => TinyPhi3VisionModel.Write(Path, new TinyPhi3VisionOptions { NumCrops = 16, ContextLength = 8192, MaxLength = 8192 });

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vispruner-conformance-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
