using System.Security.Cryptography;
using VisPruner.Engine.DemoModels;
using VisPruner.Engine.ModelFolders;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.OnnxRuntime;
using VisPruner.Tokenizers;

namespace VisPruner.Engine.Tests.DemoModels;

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
        Assert.Equal(TinyPhi3VisionModel.EmbeddingFileName, config.Model.Embedding!.FileName);
        Assert.Equal(TinyPhi3VisionModel.VisionFileName, config.Model.Vision!.FileName);

        // The names the config promises are the graphs' real input and output names.
        using (InferenceSession decoder = folder.Load(config.Model.Decoder.FileName))
        {
            DecoderConfig d = config.Model.Decoder;
            Assert.Equal(
                [d.InputsEmbedsName, d.AttentionMaskName, d.PastKeyName(0), d.PastValueName(0), d.PastKeyName(1), d.PastValueName(1)],
                decoder.InputNames);
            Assert.Equal([d.PresentKeyName(0), d.PresentValueName(0), d.PresentKeyName(1), d.PresentValueName(1), d.LogitsName], decoder.OutputNames);
        }

        using (InferenceSession vision = folder.Load(config.Model.Vision.FileName))
        {
            Assert.Equal(["pixel_values", "image_sizes"], vision.InputNames);
            Assert.Equal(["image_features"], vision.OutputNames);
        }

        using InferenceSession embedding = folder.Load(config.Model.Embedding.FileName);
        Assert.Equal(["input_ids", "image_features"], embedding.InputNames);
        Assert.Equal(["inputs_embeds"], embedding.OutputNames);
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
    public async Task The_tokenizer_loads_round_trips_English_and_matches_the_config_ids()
    {
        using var folder = new DemoModelFolder();
        Tokenizer tokenizer = await Tokenizer.FromDirectoryAsync(folder.Path);
        GenAiConfig config = GenAiConfig.Load(folder.File(GenAiConfig.FileName));

        const string text = "The picture shows a quiet harbour at dawn: 3 boats, 12 gulls and a café (naïve art?)!";
        int[] ids = tokenizer.Encode(text);
        Assert.Equal(config.Model.BosTokenId, ids[0]);
        Assert.Equal(text, tokenizer.Decode(ids, skipSpecialTokens: true));
        const string familiar = "The image shows a person walking a dog in front of the small house.";
        int familiarIds = tokenizer.Encode(familiar, addSpecialTokens: false).Length;
        Assert.True(familiarIds <= familiar.Length / 3, $"learned merges should compress English; got {familiarIds} ids for {familiar.Length} characters");
        Assert.Contains(ids, id => tokenizer.IdToToken(id)!.StartsWith("<0x", StringComparison.Ordinal)); // é falls back to bytes

        Assert.Equal(config.Model.VocabSize, tokenizer.VocabularySize);
        Assert.Equal(tokenizer.TokenToId("<|end|>"), config.Model.EosTokenIds[0]);
        Assert.Contains(tokenizer.TokenToId("<|endoftext|>")!.Value, config.Model.EosTokenIds);
        Assert.Equal(tokenizer.TokenToId("<|endoftext|>"), config.Model.PadTokenId);

        int[] chat = tokenizer.Encode("<|user|>\nHello<|end|>\n<|assistant|>\n", addSpecialTokens: false);
        Assert.Equal(tokenizer.TokenToId("<|user|>"), chat[0]);
        Assert.Contains(tokenizer.TokenToId("<|end|>")!.Value, chat);
        Assert.Equal(tokenizer.TokenToId("<|assistant|>"), chat[^1]);
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
}
