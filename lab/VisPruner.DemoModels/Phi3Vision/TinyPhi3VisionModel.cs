using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Writes small, seeded Phi-3.5-vision ("phi3v") model folders in the layout ONNX Runtime GenAI publishes:
/// <c>genai_config.json</c>, <c>processor_config.json</c>, <c>tokenizer.json</c>, <c>tokenizer_config.json</c> and the
/// vision, embedding and text ONNX files with their <c>.data</c> weight files. The weights are seeded random (the output
/// is gibberish) or trained (<see cref="TinyPhi3VisionOptions.Weights"/>); every tensor name, dtype and layout is the
/// published one, so the folders exercise the real pipeline.
/// </summary>
/// <remarks>
/// <para>
/// Graphs: the vision model takes <c>pixel_values</c> float [1, max_crops + 1, 3, 336, 336] and <c>image_sizes</c>
/// int64 [1, 2] (one image per run; other batch sizes fail with a shape error) and returns <c>image_features</c>
/// float [(h_c * w_c + 1) * 144 + 1 + (h_c + 1) * 12, HiddenSize]. The embedding model takes <c>input_ids</c>
/// int64 [1, seq] and <c>image_features</c> [rows, HiddenSize] (rows = number of negative ids, possibly 0) and returns
/// <c>inputs_embeds</c>. The decoder takes <c>inputs_embeds</c>, <c>attention_mask</c> int64 [1, total] and
/// <c>past_key_values.%d.key/value</c> [1, kv_heads, past, head_size] and returns <c>logits</c> and
/// <c>present.%d.key/value</c>; binding one [1, kv_heads, MaxLength, head_size] buffer as both past and present
/// selects the shared-buffer mode.
/// </para>
/// <para>Writing is deterministic: the same options give byte-identical files. The methods are thread-safe.</para>
/// </remarks>
public static class TinyPhi3VisionModel
{
    /// <summary>The vision encoder's file name.</summary>
    public const string VisionFileName = "phi-3.5-v-instruct-vision.onnx";

    /// <summary>The embedding model's file name.</summary>
    public const string EmbeddingFileName = "phi-3.5-v-instruct-embedding.onnx";

    /// <summary>The text decoder's file name.</summary>
    public const string DecoderFileName = "phi-3.5-v-instruct-text.onnx";

    /// <summary>Tokens per crop after the 2 x 2 merge (12 x 12).</summary>
    public const int TokensPerCrop = 144;

    /// <summary>Writes a model folder, creating <paramref name="folder"/> if needed and replacing the files it writes.</summary>
    /// <param name="folder">The destination folder.</param>
    /// <param name="options">Sizes and settings; the defaults make a model of a few hundred kilobytes.</param>
    /// <returns>Facts about the written model that tests and callers need (ids, sizes).</returns>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    /// <exception cref="InvalidDataException">Trained weights lack a tensor, hold one of another shape, or hold one no graph uses.</exception>
    public static TinyPhi3VisionModelInfo Write(string folder, TinyPhi3VisionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options ??= new TinyPhi3VisionOptions();
        options.Validate(nameof(options));
        DemoTokenizer tokenizer = DemoTokenizer.Instance;
        if (options.Script is { } script && script.Tokens.Any(t => t < 0 || t >= tokenizer.VocabularySize))
        {
            throw new ArgumentException($"TinyPhi3VisionOptions.Script holds a token id outside the vocabulary (0..{tokenizer.VocabularySize - 1}).", nameof(options));
        }

        TinyPhi3VisionModelInfo info = Describe(options);

        // Build every graph before writing anything, so a weights file that does not fit leaves no partial folder.
        WeightReader weights = options.Weights.OpenReader();
        ModelProto vision = VisionGraph.Build(options, weights);
        ModelProto embedding = EmbeddingGraph.Build(options, weights, tokenizer.VocabularySize);
        ModelProto decoder = DecoderGraph.Build(options, weights, tokenizer);
        weights.EnsureAllUsed();

        Directory.CreateDirectory(folder);
        SaveModel(vision, folder, VisionFileName);
        SaveModel(embedding, folder, EmbeddingFileName);
        SaveModel(decoder, folder, DecoderFileName);
        File.WriteAllBytes(Path.Combine(folder, "genai_config.json"), ConfigFiles.GenAiConfig(info));
        File.WriteAllBytes(Path.Combine(folder, "processor_config.json"), ConfigFiles.ProcessorConfig(options.NumCrops));
        WriteTokenizerFiles(folder);
        return info;
    }

    /// <summary>The facts <see cref="Write"/> reports about a model of <paramref name="options"/>, without writing it.</summary>
    internal static TinyPhi3VisionModelInfo Describe(TinyPhi3VisionOptions options)
    {
        DemoTokenizer tokenizer = DemoTokenizer.Instance;
        return new TinyPhi3VisionModelInfo(
            options,
            tokenizer.VocabularySize,
            DemoTokenizer.BosId,
            [tokenizer.EndId, tokenizer.AssistantId, tokenizer.EndOfTextId],
            tokenizer.EndOfTextId);
    }

    /// <summary>
    /// Writes the demo tokenizer's <c>tokenizer.json</c> and <c>tokenizer_config.json</c> (the ones every demo folder
    /// has) into <paramref name="folder"/>, e.g. for training code that must tokenize exactly as the folders do.
    /// </summary>
    /// <param name="folder">The destination folder (created if needed).</param>
    public static void WriteTokenizerFiles(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "tokenizer.json"), DemoTokenizer.Instance.TokenizerJson());
        File.WriteAllBytes(Path.Combine(folder, "tokenizer_config.json"), DemoTokenizer.Instance.TokenizerConfigJson());
    }

    /// <summary>
    /// Options with Phi-3.5-vision's depth and token counts and every width divided by <paramref name="widthDivisor"/>:
    /// CLIP ViT-L/14-336 (24 layers, features from the 23rd, 16 heads, 1024 wide, MLP 4096) and the Phi-3-mini decoder
    /// (32 layers, 32 heads with as many KV heads, 3072 wide, MLP 8192). Head counts are kept where the divided width
    /// still splits into valid heads, otherwise the nearest smaller count that does is used. The vocabulary is the demo
    /// tokenizer's, so the cost split between vision and decoder stays realistic except for the output layer.
    /// </summary>
    /// <param name="widthDivisor">The factor every width is divided by (powers of two up to 32 keep all sizes valid).</param>
    /// <param name="seed">The weight seed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="widthDivisor"/> leaves no valid width.</exception>
    public static TinyPhi3VisionOptions BenchScale(int widthDivisor, int seed = 1234)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(widthDivisor, 1);
        int visionWidth = 1024 / widthDivisor, width = 3072 / widthDivisor, mlp = 8192 / widthDivisor;
        if (1024 % widthDivisor != 0 || width % DecoderGraph.QuantizationBlock != 0 || mlp % DecoderGraph.QuantizationBlock != 0 || visionWidth < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(widthDivisor), widthDivisor, "The divided widths must stay multiples of 32 (decoder) and at least 16 (vision).");
        }

        int visionHeads = HeadsFor(visionWidth, 16, 1);
        int heads = HeadsFor(width, 32, 16); // rotary embedding needs head sizes in multiples of 16
        return new TinyPhi3VisionOptions
        {
            Seed = seed,
            VisionHiddenSize = visionWidth,
            VisionLayers = 24,
            VisionHeads = visionHeads,
            VisionIntermediateSize = 4096 / widthDivisor,
            HiddenSize = width,
            DecoderLayers = 32,
            AttentionHeads = heads,
            KeyValueHeads = heads,
            IntermediateSize = mlp,
            ContextLength = 4096,
            MaxLength = 4096,
            NumCrops = 4,
        };
    }

    private static int HeadsFor(int width, int preferred, int headSizeMultiple)
    {
        for (int heads = preferred; heads > 1; heads--)
        {
            if (width % heads == 0 && width / heads % headSizeMultiple == 0)
            {
                return heads;
            }
        }

        return 1;
    }

    private static void SaveModel(ModelProto model, string folder, string fileName) =>
        OnnxModelFile.Save(model, Path.Combine(folder, fileName), new ExternalDataOptions());
}
