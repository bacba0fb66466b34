using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntimeGenAI;
using SkiaSharp;
using VisPruner.Engine.Tests.Conformance;
using Xunit.Abstractions;

namespace VisPruner.DemoModels.Tests.Phi4Multimodal;

/// <summary>
/// The phi4mm demo folder on ONNX Runtime GenAI's own path (<c>MultiModalProcessor</c>, <c>Generator.SetInputs</c>),
/// unmodified: it loads with its speech model, runs image and text requests, and GenAI's per-image token counts are
/// Hugging Face's.
/// </summary>
public sealed class GenAiPipelineTests : IDisposable
{
    private const int ImageTokenId = 200010;
    private const int GreedyTokens = 4;
    private const string Question = "What is in this picture?";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vispruner-phi4mm-" + Guid.NewGuid().ToString("N"));
    private readonly TinyPhi4MultimodalModelInfo _info;

    private readonly ITestOutputHelper _output;

    public GenAiPipelineTests(ITestOutputHelper output)
    {
        _output = output;
        _info = TinyPhi4MultimodalModel.Write(_folder);
    }

    [Fact]
    public void The_folder_has_the_published_files_and_graph_interfaces()
    {
        string[] expected =
        [
            "genai_config.json", "vision_processor.json", "speech_processor.json", "tokenizer.json", "tokenizer_config.json",
            .. new[] { "vision", "speech", "embedding", "text" }.SelectMany(m => new[] { $"phi-4-mm-{m}.onnx", $"phi-4-mm-{m}.onnx.data" }),
        ];
        Assert.Equal(expected.Order(), Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
        AssertInterface(TinyPhi4MultimodalModel.VisionFileName, ["pixel_values", "image_attention_mask", "image_sizes"], ["image_features"]);
        AssertInterface(TinyPhi4MultimodalModel.SpeechFileName, ["audio_embeds", "audio_attention_mask", "audio_sizes", "audio_projection_mode"], ["audio_features"]);
        AssertInterface(TinyPhi4MultimodalModel.EmbeddingFileName, ["input_ids", "image_features", "audio_features"], ["inputs_embeds"]);
        Assert.Equal((200064, ImageTokenId, 199999), (_info.VocabularySize, _info.ImageTokenId, _info.PadTokenId));
        Assert.Equal([200020, 199999], _info.EosTokenIds);
    }

    [Theory]
    [InlineData(448, 448)]
    [InlineData(900, 500)]
    [InlineData(500, 900)]
    [InlineData(1000, 1000)]
    public void GenAI_runs_an_image_request_with_Hugging_Face_s_image_token_count(int width, int height)
    {
        string image = WriteImage(width, height);
        using var model = new Model(_folder);
        using var processor = new MultiModalProcessor(model);
        using var images = Images.Load([image]);
        using NamedTensors inputs = processor.ProcessImages($"<|user|><|image_1|>{Question}<|end|><|assistant|>", images);

        int[] ids = GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data;
        long[] counts = GenAiProcessorOutputs.Read<long>(inputs, "num_image_tokens").Data;
        (long[] pixelShape, _) = GenAiProcessorOutputs.Read<float>(inputs, "pixel_values");
        (long[] maskShape, _) = GenAiProcessorOutputs.Read<float>(inputs, "image_attention_mask");
        long[] imageSizes = GenAiProcessorOutputs.Read<long>(inputs, "image_sizes").Data;
        long[] projectionMode = GenAiProcessorOutputs.Read<long>(inputs, "audio_projection_mode").Data;
        int expected = HuggingFaceImageTokens(width, height);
        _output.WriteLine($"{width}x{height}: image_sizes [{string.Join(", ", imageSizes)}], pixel_values [{string.Join(", ", pixelShape)}], " +
            $"image_attention_mask [{string.Join(", ", maskShape)}], num_image_tokens {counts.Single()}, 200010 x {ids.Count(id => id == ImageTokenId)}, " +
            $"Hugging Face {expected}, prompt {ids.Length} ids, audio_projection_mode {projectionMode.Single()}");
        Assert.Equal(1, projectionMode.Single()); // vision
        Assert.Equal(expected, counts.Single());
        Assert.Equal(expected, ids.Count(id => id == ImageTokenId));

        // The vision model's rows must match the placeholders (the embedding's ScatterND rejects any other count).
        int[] generated = Generate(model, inputs, ids.Length);
        Assert.Equal(GreedyTokens, generated.Length);
    }

    [Fact]
    public void GenAI_runs_a_text_only_request_through_the_processor_and_through_tokens()
    {
        using var model = new Model(_folder);
        using var processor = new MultiModalProcessor(model);
        using NamedTensors inputs = processor.ProcessImages($"<|user|>{Question}<|end|><|assistant|>", null);
        int[] ids = GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data;
        Assert.DoesNotContain(ImageTokenId, ids);
        Assert.Equal(0, GenAiProcessorOutputs.Read<long>(inputs, "audio_projection_mode").Data.Single()); // text only
        int[] viaProcessor = Generate(model, inputs, ids.Length);

        using var tokenizer = new Tokenizer(model);
        using Sequences sequences = tokenizer.Encode($"<|user|>{Question}<|end|><|assistant|>");
        Assert.Equal(ids, sequences[0].ToArray());
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", ids.Length + GreedyTokens);
        using var generator = new Generator(model, parameters);
        generator.AppendTokens(ids);
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        int[] viaTokens = generator.GetSequence(0)[ids.Length..].ToArray();
        _output.WriteLine($"text only: {ids.Length} prompt ids, greedy {string.Join(" ", viaTokens)}");
        Assert.Equal(viaProcessor, viaTokens);
    }

    [Fact]
    public void Two_images_are_processed_as_one_batch_padded_to_the_larger_crop_count()
    {
        using var model = new Model(_folder);
        using var processor = new MultiModalProcessor(model);
        using var images = Images.Load([WriteImage(448, 448), WriteImage(900, 500)]);
        using NamedTensors inputs = processor.ProcessImages($"<|user|><|image_1|><|image_2|>{Question}<|end|><|assistant|>", images);

        long[] counts = GenAiProcessorOutputs.Read<long>(inputs, "num_image_tokens").Data;
        (long[] pixelShape, _) = GenAiProcessorOutputs.Read<float>(inputs, "pixel_values");
        (long[] maskShape, float[] mask) = GenAiProcessorOutputs.Read<float>(inputs, "image_attention_mask");
        (long[] sizesShape, long[] sizes) = GenAiProcessorOutputs.Read<long>(inputs, "image_sizes");
        int[] ids = GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data;
        _output.WriteLine($"448x448 + 900x500: num_image_tokens [{string.Join(", ", counts)}], pixel_values [{string.Join(", ", pixelShape)}], " +
            $"image_attention_mask [{string.Join(", ", maskShape)}], image_sizes [{string.Join(", ", sizesShape)}] = [{string.Join(", ", sizes)}]");
        Assert.Equal([HuggingFaceImageTokens(448, 448), HuggingFaceImageTokens(900, 500)], counts);
        Assert.Equal(counts.Sum(), ids.Count(id => id == ImageTokenId));
        Assert.Equal([2L, 7, 3, 448, 448], pixelShape);
        Assert.Equal([2L, 7, 32, 32], maskShape);
        Assert.Equal([448L, 448, 896, 1344], sizes);
        // The first image's 5 padding crops are marked all ones, not zeros: only image_sizes tells a vision model which
        // crops are real (the demo's and, as published, Hugging Face's vision model read the crop count from it).
        Assert.Equal(5 * 32 * 32, mask.Skip(2 * 32 * 32).Take(5 * 32 * 32).Sum());
    }

    [Fact]
    public void A_caller_s_num_image_tokens_set_before_the_inputs_sizes_the_vision_output()
    {
        using var model = new Model(_folder);
        using var processor = new MultiModalProcessor(model);
        using var images = Images.Load([WriteImage(448, 448)]);
        using NamedTensors inputs = processor.ProcessImages($"<|user|><|image_1|>{Question}<|end|><|assistant|>", images);
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", 600);
        using var generator = new Generator(model, parameters);
        long[] pruned = [500]; // the processor says 545
        GCHandle pin = GCHandle.Alloc(pruned, GCHandleType.Pinned);
        try
        {
            using var count = new Tensor(pin.AddrOfPinnedObject(), [1], ElementType.int64);
            generator.SetModelInput("num_image_tokens", count);

            // GenAI pre-allocates image_features from the caller's count, so the unpruned vision model's 545 rows are refused
            // (a pruning path must keep that count, the vision rows and the 200010 placeholders equal). SetInputs itself runs
            // the vision model: the error comes from it, not from the first GenerateNextToken.
            var error = Assert.Throws<OnnxRuntimeGenAIException>(() => generator.SetInputs(inputs));
            _output.WriteLine(error.Message);
            Assert.Contains("'image_features'", error.Message, StringComparison.Ordinal);
            Assert.Contains("{500,64}", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            pin.Free();
        }
    }

    [Fact]
    public void The_speech_model_is_loaded_with_the_model_even_when_no_request_has_audio()
    {
        File.WriteAllBytes(Path.Combine(_folder, TinyPhi4MultimodalModel.SpeechFileName), "not an ONNX model"u8.ToArray());
        var error = Assert.ThrowsAny<Exception>(() => new Model(_folder).Dispose());
        _output.WriteLine($"corrupt speech model: {error.GetType().Name}: {error.Message}");
    }

    [Fact]
    public void A_vision_adapter_named_in_the_config_is_not_opened_by_an_image_request()
    {
        using var config = new Config(_folder);
        config.Overlay("""{"model": {"vision": {"adapter_filename": "phi-4-mm-vision.onnx_adapter"}}}""");
        using var model = new Model(config);
        using var processor = new MultiModalProcessor(model);
        using var images = Images.Load([WriteImage(448, 448)]);
        using NamedTensors inputs = processor.ProcessImages($"<|user|><|image_1|>{Question}<|end|><|assistant|>", images);

        // The adapter file does not exist: generating succeeds only if GenAI never opens it.
        Assert.Equal(GreedyTokens, Generate(model, inputs, GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data.Length).Length);
    }

    [Fact]
    public void A_folder_without_the_speech_model_loads_and_runs_an_image_request()
    {
        string folder = _folder + "-vision-only";
        try
        {
            TinyPhi4MultimodalModel.Write(folder, new TinyPhi4MultimodalOptions { WithSpeech = false });
            Assert.False(File.Exists(Path.Combine(folder, TinyPhi4MultimodalModel.SpeechFileName)));
            using var model = new Model(folder);
            using var processor = new MultiModalProcessor(model);
            using var images = Images.Load([WriteImage(448, 448)]);
            using NamedTensors inputs = processor.ProcessImages($"<|user|><|image_1|>{Question}<|end|><|assistant|>", images);
            Assert.Equal(GreedyTokens, Generate(model, inputs, GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data.Length).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(nameof(TinyPhi4MultimodalOptions.VisionHeads))]
    [InlineData(nameof(TinyPhi4MultimodalOptions.KeyValueHeads))]
    [InlineData(nameof(TinyPhi4MultimodalOptions.DynamicHd))]
    public void Invalid_options_are_rejected_naming_the_property(string property)
    {
        TinyPhi4MultimodalOptions options = property switch
        {
            nameof(TinyPhi4MultimodalOptions.VisionHeads) => new() { VisionHeads = 5 },
            nameof(TinyPhi4MultimodalOptions.KeyValueHeads) => new() { KeyValueHeads = 3 },
            _ => new() { DynamicHd = 0 },
        };
        string folder = _folder + "-invalid";
        var error = Assert.Throws<ArgumentException>(() => TinyPhi4MultimodalModel.Write(folder, options));
        Assert.Contains("TinyPhi4MultimodalOptions." + property, error.Message, StringComparison.Ordinal);
        Assert.Equal("options", error.ParamName);
        Assert.False(Directory.Exists(folder));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private int[] Generate(Model model, NamedTensors inputs, int promptLength)
    {
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", promptLength + GreedyTokens);
        using var generator = new Generator(model, parameters);
        generator.SetInputs(inputs);
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        ReadOnlySpan<int> sequence = generator.GetSequence(0);
        Assert.Equal(promptLength + GreedyTokens, sequence.Length);
        return sequence[promptLength..].ToArray();
    }

    private string WriteImage(int width, int height)
    {
        // PNG: GenAI 0.20's phi4mm image decoder takes a BMP for a JPEG and ends the process (libjpeg error exit).
        string path = Path.Combine(_folder, $"image-{width}x{height}.png");
        using SKBitmap bitmap = SKBitmap.Decode(TestImages.Bmp(width, height));
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }

    private void AssertInterface(string file, string[] inputs, string[] outputs)
    {
        using var session = new InferenceSession(Path.Combine(_folder, file));
        Assert.Equal(inputs, session.InputMetadata.Keys);
        Assert.Equal(outputs, session.OutputMetadata.Keys);
    }

    // Hugging Face's Phi-4-multimodal arithmetic for an image that needs at most 36 crops: ceil(W/448) x ceil(H/448)
    // crops, the image scaled to fill the grid's width or height (aspect kept), mask columns/rows of 14 px zeroed for
    // the padding, then every other mask row and column: 256 + 16 global tokens and separators, 1 separator, and the
    // useful sub-crop tokens with one separator per useful row.
    private static int HuggingFaceImageTokens(int width, int height)
    {
        int columns = (width + 447) / 448, rows = (height + 447) / 448;
        Assert.True(columns * rows <= 36, "the reference covers grids of at most 36 crops");
        double ratioWidth = 448.0 * columns / width, ratioHeight = 448.0 * rows / height;
        (int newWidth, int newHeight) = ratioWidth < ratioHeight
            ? (448 * columns, (int)(height * ratioWidth))
            : (ratioWidth > ratioHeight ? ((int)(width * ratioHeight), 448 * rows) : (448 * columns, 448 * rows));
        int maskRows = 32 * rows, maskColumns = 32 * columns;
        int paddingWidth = 448 * columns - newWidth, paddingHeight = 448 * rows - newHeight;
        if (paddingWidth >= 14)
        {
            maskColumns -= paddingWidth / 14;
        }

        if (paddingHeight >= 14)
        {
            maskRows -= paddingHeight / 14;
        }

        int usefulRows = (maskRows + 1) / 2, usefulColumns = (maskColumns + 1) / 2; // mask[::2, ::2]
        return 256 + 16 + 1 + usefulRows * usefulColumns + usefulRows;
    }
}
