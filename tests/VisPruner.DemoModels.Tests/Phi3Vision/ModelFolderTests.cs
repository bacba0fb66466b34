using System.Security.Cryptography;
using VisPruner.DemoModels;
using VisPruner.Engine;
using VisPruner.Engine.ModelFolders;
using VisPruner.Imaging.Phi3Vision;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ChatTemplates;
using GenAi = Microsoft.ML.OnnxRuntimeGenAI;

namespace VisPruner.DemoModels.Tests.Phi3Vision;

public class ModelFolderTests
{
    [Fact]
    public void The_folder_has_the_published_files_and_a_consistent_genai_config()
    {
        using var folder = new DemoModelFolder();
        string[] expected =
        [
            "genai_config.json", "processor_config.json", "tokenizer.json", "tokenizer_config.json",
            "phi-3.5-v-instruct-vision.onnx", "phi-3.5-v-instruct-embedding.onnx", "phi-3.5-v-instruct-text.onnx",
            "phi-3.5-v-instruct-vision.onnx.data", "phi-3.5-v-instruct-embedding.onnx.data", "phi-3.5-v-instruct-text.onnx.data",
        ];
        Assert.Equal(expected.Order(), Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());

        GenAiConfig config = GenAiConfig.Load(folder.File(GenAiConfig.FileName));
        var options = new TinyPhi3VisionOptions();
        Assert.Equal("phi3v", config.Model.Type);
        Assert.Equal(options.HiddenSize, config.Model.Decoder.HiddenSize);
        Assert.Equal(options.DecoderLayers, config.Model.Decoder.NumHiddenLayers);
        Assert.Equal(options.KeyValueHeads, config.Model.Decoder.NumKeyValueHeads);
        Assert.Equal(options.MaxLength, config.Search.MaxLength);
        Assert.False(config.Search.PastPresentShareBuffer);
        Assert.Equal(TinyPhi3VisionModel.VisionFileName, config.Model.Vision!.FileName);

        // The graphs have the published input and output names.
        using (InferenceSession decoder = folder.Load(config.Model.Decoder.FileName))
        {
            Assert.Equal(
                ["inputs_embeds", "attention_mask", "past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value"],
                decoder.InputMetadata.Keys);
            Assert.Equal(["present.0.key", "present.0.value", "present.1.key", "present.1.value", "logits"], decoder.OutputMetadata.Keys);
        }

        using (InferenceSession vision = folder.Load(config.Model.Vision.FileName))
        {
            Assert.Equal(["pixel_values", "image_sizes"], vision.InputMetadata.Keys);
            Assert.Equal(["image_features"], vision.OutputMetadata.Keys);
        }

        using InferenceSession embedding = folder.Load(TinyPhi3VisionModel.EmbeddingFileName);
        Assert.Equal(["input_ids", "image_features"], embedding.InputMetadata.Keys);
        Assert.Equal(["inputs_embeds"], embedding.OutputMetadata.Keys);
    }

    [Fact]
    public void The_shared_buffer_setting_and_crop_count_reach_the_configs()
    {
        using var folder = new DemoModelFolder(new TinyPhi3VisionOptions { PastPresentShareBuffer = true, NumCrops = 9 });
        Assert.True(GenAiConfig.Load(folder.File(GenAiConfig.FileName)).Search.PastPresentShareBuffer);
        Phi3VisionProcessorOptions processor = ProcessorConfig.ParsePhi3Vision(File.ReadAllText(folder.File("processor_config.json")));
        Assert.Equal(9, processor.NumCrops);
    }

    [Fact]
    public void The_folder_loads_in_ONNX_Runtime_GenAI_as_is_and_its_tokenizer_round_trips_English_with_the_config_ids()
    {
        using var folder = new DemoModelFolder();
        using var model = new GenAi.Model(folder.Path);
        using var tokenizer = new GenAi.Tokenizer(model);
        GenAiConfig config = GenAiConfig.Load(folder.File(GenAiConfig.FileName));

        const string text = "The picture shows a quiet harbour at dawn: 3 boats, 12 gulls and a café (naïve art?)!";
        int[] ids = Encode(tokenizer, text);
        Assert.Equal(" " + text, tokenizer.Decode(ids)); // GenAI keeps the leading word marker that Hugging Face's Strip decoder drops
        const string familiar = "The image shows a person walking a dog in front of the small house.";
        int familiarIds = Encode(tokenizer, familiar).Length;
        Assert.True(familiarIds <= familiar.Length / 3, $"learned merges should compress English; got {familiarIds} ids for {familiar.Length} characters");

        Assert.Equal(config.Model.EosTokenIds, tokenizer.GetEosTokenIds().ToArray());
        Assert.Equal(config.Model.PadTokenId, tokenizer.GetPadTokenId());
        Assert.Equal(config.Model.BosTokenId, tokenizer.GetBosTokenId());

        // Turn markers are single control tokens, and each swallows the newline after it, as published.
        int[] chat = Encode(tokenizer, "<|user|>\nHello<|end|>\n<|assistant|>\n");
        Assert.Equal([config.Model.EosTokenIds[0], folder.Info.EosTokenIds[1]], chat[^2..]);
        Assert.Equal(Encode(tokenizer, "Hello"), chat[1..^2]);
    }

    [Fact]
    public async Task The_tokenizer_config_chat_template_renders_what_the_engine_template_renders()
    {
        using var folder = new DemoModelFolder();
        using var model = new GenAi.Model(folder.Path);
        using var tokenizer = new GenAi.Tokenizer(model);
        string template = System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder.File("tokenizer_config.json"))).RootElement.GetProperty("chat_template").GetString()!;
        const string messages = """[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is this?"}, {"role": "assistant", "content": "A cat."}, {"role": "user", "content": "Sure?"}]""";

        string rendered = tokenizer.ApplyChatTemplate(template, messages, null, true);

        using var engine = await MultimodalEngine.LoadAsync(folder.Path);
        string ours = engine.ChatTemplate.Render(
        [
            new ChatTurn(TurnRole.System, "Be brief."), new ChatTurn(TurnRole.User, "What is this?"),
            new ChatTurn(TurnRole.Assistant, "A cat."), new ChatTurn(TurnRole.User, "Sure?"),
        ]).Text;
        Assert.Equal(ours, rendered);
    }

    [Fact]
    public void Two_writes_of_the_same_options_are_byte_identical_and_another_seed_differs()
    {
        var options = new TinyPhi3VisionOptions { Seed = 7 };
        using var first = new DemoModelFolder(options);
        using var second = new DemoModelFolder(options);
        using var reseeded = new DemoModelFolder(new TinyPhi3VisionOptions { Seed = 8 });
        foreach (string file in Directory.GetFiles(first.Path).Select(f => Path.GetFileName(f)))
        {
            Assert.True(File.ReadAllBytes(first.File(file)).AsSpan().SequenceEqual(File.ReadAllBytes(second.File(file))), $"{file} differs between two writes");
        }

        Assert.NotEqual(Hash(first.File(TinyPhi3VisionModel.DecoderFileName + ".data")), Hash(reseeded.File(TinyPhi3VisionModel.DecoderFileName + ".data")));
        Assert.NotEqual(Hash(first.File(TinyPhi3VisionModel.VisionFileName + ".data")), Hash(reseeded.File(TinyPhi3VisionModel.VisionFileName + ".data")));
    }

    [Theory]
    [InlineData(nameof(TinyPhi3VisionOptions.VisionLayers))]
    [InlineData(nameof(TinyPhi3VisionOptions.VisionHeads))]
    [InlineData(nameof(TinyPhi3VisionOptions.AttentionHeads))]
    [InlineData(nameof(TinyPhi3VisionOptions.KeyValueHeads))]
    [InlineData(nameof(TinyPhi3VisionOptions.MaxLength))]
    [InlineData(nameof(TinyPhi3VisionOptions.Script))]
    public void Invalid_options_are_rejected_naming_the_property(string property)
    {
        TinyPhi3VisionOptions options = property switch
        {
            nameof(TinyPhi3VisionOptions.VisionLayers) => new() { VisionLayers = 1 },
            nameof(TinyPhi3VisionOptions.VisionHeads) => new() { VisionHeads = 5 },
            nameof(TinyPhi3VisionOptions.AttentionHeads) => new() { AttentionHeads = 8 }, // head size 8: too small for rotary
            nameof(TinyPhi3VisionOptions.KeyValueHeads) => new() { KeyValueHeads = 3 },
            nameof(TinyPhi3VisionOptions.MaxLength) => new() { MaxLength = 5000 },
            _ => new() { Script = new TinyPhi3VisionScript(4090, [5, 6, 7, 8, 9, 10]) },
        };
        string folder = Path.Combine(Path.GetTempPath(), "vispruner-demo-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<ArgumentException>(() => TinyPhi3VisionModel.Write(folder, options));
        Assert.Contains(property, error.Message, StringComparison.Ordinal);
        Assert.Equal("options", error.ParamName);
        Assert.False(Directory.Exists(folder));
    }

    [Theory]
    [InlineData(4, 256, 768, 16, 24)]
    [InlineData(8, 128, 384, 16, 24)]
    public void Bench_scale_keeps_Phi_3_5_depths_and_divides_widths(int divisor, int vision, int hidden, int visionHeads, int heads)
    {
        TinyPhi3VisionOptions options = TinyPhi3VisionModel.BenchScale(divisor);
        Assert.Equal((24, 32), (options.VisionLayers, options.DecoderLayers));
        Assert.Equal((vision, hidden, 8192 / divisor), (options.VisionHiddenSize, options.HiddenSize, options.IntermediateSize));
        Assert.Equal((visionHeads, heads, heads), (options.VisionHeads, options.AttentionHeads, options.KeyValueHeads));
        Assert.Equal(0, options.HiddenSize / options.AttentionHeads % 16);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static int[] Encode(GenAi.Tokenizer tokenizer, string text)
    {
        using GenAi.Sequences sequences = tokenizer.Encode(text);
        return sequences[0].ToArray();
    }
}
