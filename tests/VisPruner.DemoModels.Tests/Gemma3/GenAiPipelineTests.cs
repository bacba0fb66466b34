using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntimeGenAI;
using SkiaSharp;
using VisPruner.Engine.Tests.Conformance;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;
using Xunit.Abstractions;
using static VisPruner.DemoModels.Tests.Gemma3.Gemma3Requests;

namespace VisPruner.DemoModels.Tests.Gemma3;

/// <summary>
/// The gemma3 demo folder on ONNX Runtime GenAI's own path (<c>MultiModalProcessor</c>, <c>Generator.SetInputs</c>),
/// unmodified: it loads, GenAI's processor expands each image marker to Gemma 3's 256 soft tokens, and image and text
/// requests run, or fail the way GenAI 0.20 makes them fail for the rank of <c>image_features</c>.
/// </summary>
public sealed class GenAiPipelineTests : IDisposable
{
    private const int BeginImage = 255999;
    private const int EndImage = 256000;
    private const int SoftToken = 262144;
    private const int DoubleNewline = 108;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vispruner-gemma3-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public GenAiPipelineTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_folder);
    }

    [Fact]
    public void The_folder_has_the_published_files_and_graph_interfaces()
    {
        string folder = Path.Combine(_folder, "default");
        TinyGemma3ModelInfo info = TinyGemma3Model.Write(folder);
        string[] expected =
        [
            "genai_config.json", "processor_config.json", "tokenizer.json", "tokenizer_config.json",
            .. new[] { "vision", "embedding", "text" }.SelectMany(m => new[] { $"gemma-3-{m}.onnx", $"gemma-3-{m}.onnx.data" }),
        ];
        Assert.Equal(expected.Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order());

        AssertInterface(folder, TinyGemma3Model.VisionFileName, ["pixel_values"], ["image_features"]);
        AssertInterface(folder, TinyGemma3Model.EmbeddingFileName, ["input_ids", "image_features"], ["inputs_embeds"]);
        string[] cache = [.. Enumerable.Range(0, 6).SelectMany(i => new[] { $"past_key_values.{i}.key", $"past_key_values.{i}.value" })];
        string[] present = [.. Enumerable.Range(0, 6).SelectMany(i => new[] { $"present.{i}.key", $"present.{i}.value" })];
        AssertInterface(folder, TinyGemma3Model.DecoderFileName, ["inputs_embeds", "attention_mask", .. cache], [.. present, "logits"]);

        using (var vision = new InferenceSession(Path.Combine(folder, TinyGemma3Model.VisionFileName)))
        using (var decoder = new InferenceSession(Path.Combine(folder, TinyGemma3Model.DecoderFileName)))
        {
            Assert.Equal([-1, 3, 896, 896], vision.InputMetadata["pixel_values"].Dimensions);
            Assert.Equal([-1, 256, 64], vision.OutputMetadata["image_features"].Dimensions);
            Assert.Equal([-1, -1, 262208], decoder.OutputMetadata["logits"].Dimensions);
        }

        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "genai_config.json")));
        JsonElement model = config.RootElement.GetProperty("model");
        Assert.Equal("gemma3", model.GetProperty("type").GetString());
        Assert.Equal((262208, 2, 0), (info.VocabularySize, info.BosTokenId, info.PadTokenId));
        Assert.Equal((info.VocabularySize, info.BosTokenId, info.PadTokenId), (model.GetProperty("vocab_size").GetInt32(), model.GetProperty("bos_token_id").GetInt32(), model.GetProperty("pad_token_id").GetInt32()));
        Assert.Equal([1, 106], info.EosTokenIds);
        Assert.Equal(info.EosTokenIds, model.GetProperty("eos_token_id").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal((BeginImage, EndImage, SoftToken, 256), (info.BeginImageId, info.EndImageId, info.ImageTokenId, info.TokensPerImage));
    }

    [Fact]
    public void The_graphs_have_Gemma_3_s_structure_and_the_vision_attention_probabilities()
    {
        string folder = Folder();
        GraphProto vision = OnnxModelFile.Load(Path.Combine(folder, TinyGemma3Model.VisionFileName)).Graph;
        Assert.Equal(
            ["/vision_tower/vision_model/encoder/layers.0/self_attn/Softmax_output_0", "/vision_tower/vision_model/encoder/layers.1/self_attn/Softmax_output_0"],
            vision.FindNodes("Softmax").Select(n => n.Output[0]));
        NodeProto pool = Assert.Single(vision.FindNodes("AveragePool"));
        Assert.Equal([4L, 4], pool.Attribute.Single(a => a.Name == "kernel_shape").Ints);

        // Five sliding-window layers on the local rotary tables, then one global layer (Gemma 3's 5:1 pattern).
        GraphProto decoder = OnnxModelFile.Load(Path.Combine(folder, TinyGemma3Model.DecoderFileName)).Graph;
        IReadOnlyList<NodeProto> attention = decoder.FindNodes("GroupQueryAttention", GraphBuilder.MicrosoftDomain);
        Assert.Equal([1024L, 1024, 1024, 1024, 1024, -1], attention.Select(n => n.Attribute.SingleOrDefault(a => a.Name == "local_window_size")?.I ?? -1));
        Assert.Equal(["cos_cache_local", "cos_cache_local", "cos_cache_local", "cos_cache_local", "cos_cache_local", "cos_cache"], attention.Select(n => n.Input[7]));
    }

    [Fact]
    public void Writing_is_deterministic()
    {
        string first = Folder(), second = Path.Combine(_folder, "again");
        TinyGemma3Model.Write(second);
        foreach (string file in Directory.GetFiles(first))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(second, Path.GetFileName(file))));
        }
    }

    [Fact]
    public void The_tokenizer_has_Gemma_3_s_ids_and_GenAI_adds_no_BOS()
    {
        using var model = new Model(Folder());
        using var tokenizer = new Tokenizer(model);

        Assert.Equal([2, 105, 106, 255999, 262144, 256000, 1], Encode(tokenizer, "<bos><start_of_turn><end_of_turn><start_of_image><image_soft_token><end_of_image><eos>"));
        Assert.Equal([107], Encode(tokenizer, "\n"));
        Assert.Equal([DoubleNewline], Encode(tokenizer, "\n\n"));

        // GenAI 0.20 encodes with add_special_tokens off: the prompt's own <bos> is the only one.
        int[] question = Encode(tokenizer, Question);
        Assert.NotEqual(2, question[0]);
        Assert.Equal(Question, tokenizer.Decode(question));
        Assert.Equal([2, 105], Encode(tokenizer, Prompt(images: 0))[..2]);
    }

    [Fact]
    public void The_chat_template_renders_Gemma_3_s_turns()
    {
        using var model = new Model(Folder());
        using var tokenizer = new Tokenizer(model);
        string template = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder(), "tokenizer_config.json"))).RootElement.GetProperty("chat_template").GetString()!;

        string chat = tokenizer.ApplyChatTemplate(template,
            """[{"role": "system", "content": "Be brief."}, {"role": "user", "content": " What is this? "}, {"role": "assistant", "content": "A cat."}, {"role": "user", "content": "Sure?"}]""",
            null, true);
        Assert.Equal(
            "<bos><start_of_turn>user\nBe brief.\n\nWhat is this?<end_of_turn>\n<start_of_turn>model\nA cat.<end_of_turn>\n<start_of_turn>user\nSure?<end_of_turn>\n<start_of_turn>model\n",
            chat);

        string image = tokenizer.ApplyChatTemplate(template, """[{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What is in this picture?"}]}]""", null, true);
        Assert.Equal(Prompt(images: 1), image);

        var error = Assert.Throws<OnnxRuntimeGenAIException>(() =>
            tokenizer.ApplyChatTemplate(template, """[{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]""", null, true));
        Assert.Contains("must alternate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_processor_expands_each_marker_to_256_soft_tokens_and_returns_Gemma_3_s_tensors()
    {
        using var model = new Model(Folder());
        using var processor = new MultiModalProcessor(model);
        using var tokenizer = new Tokenizer(model);
        using var images = Images.Load([WriteSolidPng(_folder, 640, 480, new SKColor(255, 0, 128))]);
        const string prompt = "<bos><start_of_turn>user\nLook: <start_of_image> What is in this picture?<end_of_turn>\n<start_of_turn>model\n";
        using NamedTensors inputs = processor.ProcessImages(prompt, images);

        string[] names = GenAiProcessorOutputs.Names(inputs);
        _output.WriteLine(string.Join(", ", names.Select(n => $"{n}: {GenAiProcessorOutputs.TypeOf(inputs, n)}")));
        Assert.Equal(["input_ids", "num_image_tokens", "pixel_values", "token_type_ids"], names.Order());
        Assert.Equal(ElementType.int32, GenAiProcessorOutputs.TypeOf(inputs, "input_ids"));
        Assert.Equal(ElementType.int32, GenAiProcessorOutputs.TypeOf(inputs, "token_type_ids"));
        Assert.Equal(ElementType.int64, GenAiProcessorOutputs.TypeOf(inputs, "num_image_tokens"));
        Assert.Equal(ElementType.float32, GenAiProcessorOutputs.TypeOf(inputs, "pixel_values"));

        // The marker becomes "\n\n" <start_of_image> 256 x <image_soft_token> <end_of_image> "\n\n" before tokenizing.
        (long[] idsShape, int[] ids) = GenAiProcessorOutputs.Read<int>(inputs, "input_ids");
        int start = Array.IndexOf(ids, BeginImage);
        Assert.Equal([DoubleNewline, BeginImage, .. Enumerable.Repeat(SoftToken, 256), EndImage, DoubleNewline], ids[(start - 1)..(start + 259)]);
        string expanded = prompt.Replace("<start_of_image>", "\n\n<start_of_image>" + string.Concat(Enumerable.Repeat("<image_soft_token>", 256)) + "<end_of_image>\n\n", StringComparison.Ordinal);
        Assert.Equal(Encode(tokenizer, expanded), ids);
        Assert.Equal([1L, ids.Length], idsShape);

        // token_type_ids marks exactly the soft tokens; num_image_tokens is one count.
        (long[] typesShape, int[] types) = GenAiProcessorOutputs.Read<int>(inputs, "token_type_ids");
        Assert.Equal(idsShape, typesShape);
        Assert.Equal(ids.Select(id => id == SoftToken ? 1 : 0), types);
        Assert.Equal([256L], GenAiProcessorOutputs.Read<long>(inputs, "num_image_tokens").Data);

        // [1, 3, 896, 896], RGB planes, x / 255 * 2 - 1: a solid (255, 0, 128) picture gives 1, -1 and 1/255.
        (long[] pixelShape, float[] pixels) = GenAiProcessorOutputs.Read<float>(inputs, "pixel_values");
        Assert.Equal([1L, 3, 896, 896], pixelShape);
        const int plane = 896 * 896;
        Assert.All(new[] { (0, 1f), (1, -1f), (2, (128 / 255f * 2) - 1) }, channel =>
            Assert.InRange(pixels.Skip(channel.Item1 * plane).Take(plane).Max(p => MathF.Abs(p - channel.Item2)), 0f, 1e-5f));
    }

    [Fact]
    public void The_processor_checks_the_marker_count_and_fills_an_empty_prompt_with_markers()
    {
        using var model = new Model(Folder());
        using var processor = new MultiModalProcessor(model);
        using var images = Images.Load([WritePng(_folder, 640, 480)]);

        var error = Assert.Throws<OnnxRuntimeGenAIException>(() => processor.ProcessImages(Prompt(images: 0), images).Dispose());
        Assert.Contains("Prompt contained 0 image tokens but received 1 images", error.Message, StringComparison.Ordinal);

        using NamedTensors inputs = processor.ProcessImages(string.Empty, images);
        Assert.Equal([DoubleNewline, BeginImage, .. Enumerable.Repeat(SoftToken, 256), EndImage, DoubleNewline], GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public void GenAI_runs_a_one_image_request_with_either_rank_of_image_features(int rank)
    {
        using var model = new Model(Folder(rank));
        using var processor = new MultiModalProcessor(model);
        using var images = Images.Load([WritePng(_folder, 640, 480)]);
        using NamedTensors inputs = processor.ProcessImages(Prompt(), images);
        int[] ids = GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data;

        // SetInputs runs the vision model into a buffer GenAI sizes from num_image_tokens; its rows must equal the soft tokens.
        int[] generated = Generate(model, inputs, ids.Length);
        _output.WriteLine($"rank {rank}: {ids.Length} prompt ids, greedy {string.Join(" ", generated)}");
        Assert.DoesNotContain(SoftToken, generated);
    }

    [Fact]
    public void A_text_only_request_runs_when_image_features_has_rank_2_through_the_processor_and_through_tokens()
    {
        using var model = new Model(Folder(2));
        using var processor = new MultiModalProcessor(model);
        using NamedTensors inputs = processor.ProcessImages(Prompt(images: 0), null);
        Assert.Equal(["input_ids"], GenAiProcessorOutputs.Names(inputs));
        int[] ids = GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data;
        int[] viaProcessor = Generate(model, inputs, ids.Length);

        using var tokenizer = new Tokenizer(model);
        Assert.Equal(ids, Encode(tokenizer, Prompt(images: 0)));
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", ids.Length + GreedyTokens);
        using var generator = new Generator(model, parameters);
        generator.AppendTokens(ids);
        Assert.Equal(viaProcessor, Finish(generator, ids.Length));
    }

    [Fact]
    public void A_text_only_request_fails_when_image_features_has_rank_3()
    {
        using var model = new Model(Folder(3));
        using var processor = new MultiModalProcessor(model);
        using NamedTensors inputs = processor.ProcessImages(Prompt(images: 0), null);

        // No image, so no batch dimension: GenAI hands the embedding an empty [0, hidden] image_features.
        var error = Assert.Throws<OnnxRuntimeGenAIException>(() => Generate(model, inputs, GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data.Length));
        _output.WriteLine(error.Message);
        Assert.Contains("Invalid rank for input: image_features Got: 2 Expected: 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_images_run_as_one_batch_when_image_features_has_rank_3()
    {
        using var model = new Model(Folder(3));
        using var processor = new MultiModalProcessor(model);
        using var images = Images.Load([WritePng(_folder, 640, 480), WritePng(_folder, 300, 500)]);
        using NamedTensors inputs = processor.ProcessImages(Prompt(images: 2), images);
        int[] ids = GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data;

        // One count for both images: GenAI's buffer is [2 (pixel_values' batch), 256, hidden].
        Assert.Equal([256L], GenAiProcessorOutputs.Read<long>(inputs, "num_image_tokens").Data);
        Assert.Equal([2L, 3, 896, 896], GenAiProcessorOutputs.Read<float>(inputs, "pixel_values").Shape);
        Assert.Equal(512, ids.Count(id => id == SoftToken));
        Assert.Equal(GreedyTokens, Generate(model, inputs, ids.Length).Length);
    }

    [Fact]
    public void Two_images_fail_when_image_features_has_rank_2()
    {
        using var model = new Model(Folder(2));
        using var processor = new MultiModalProcessor(model);
        using var images = Images.Load([WritePng(_folder, 640, 480), WritePng(_folder, 300, 500)]);
        using NamedTensors inputs = processor.ProcessImages(Prompt(images: 2), images);

        // The one count (256) sizes a [256, hidden] buffer for the vision model's 512 rows.
        var error = Assert.Throws<OnnxRuntimeGenAIException>(() => Generate(model, inputs, GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data.Length));
        _output.WriteLine(error.Message);
        Assert.Contains("has shape {256,64} but the computed output shape for this run is {512,64}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(TinyGemma3Options.VisionHeads))]
    [InlineData(nameof(TinyGemma3Options.ImageFeaturesRank))]
    [InlineData(nameof(TinyGemma3Options.KeyValueHeads))]
    public void Invalid_options_are_rejected_naming_the_property(string property)
    {
        TinyGemma3Options options = property switch
        {
            nameof(TinyGemma3Options.VisionHeads) => new() { VisionHeads = 5 },
            nameof(TinyGemma3Options.ImageFeaturesRank) => new() { ImageFeaturesRank = 4 },
            _ => new() { KeyValueHeads = 3 },
        };
        string folder = Path.Combine(_folder, "invalid");
        var error = Assert.Throws<ArgumentException>(() => TinyGemma3Model.Write(folder, options));
        Assert.Contains("TinyGemma3Options." + property, error.Message, StringComparison.Ordinal);
        Assert.Equal("options", error.ParamName);
        Assert.False(Directory.Exists(folder));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int[] Encode(Tokenizer tokenizer, string text)
    {
        using Sequences sequences = tokenizer.Encode(text);
        return sequences[0].ToArray();
    }

    private static void AssertInterface(string folder, string file, string[] inputs, string[] outputs)
    {
        using var session = new InferenceSession(Path.Combine(folder, file));
        Assert.Equal(inputs, session.InputMetadata.Keys);
        Assert.Equal(outputs, session.OutputMetadata.Keys);
    }

    private string Folder(int rank = 3)
    {
        string folder = Path.Combine(_folder, $"rank{rank}");
        if (!Directory.Exists(folder))
        {
            TinyGemma3Model.Write(folder, new TinyGemma3Options { ImageFeaturesRank = rank });
        }

        return folder;
    }
}
