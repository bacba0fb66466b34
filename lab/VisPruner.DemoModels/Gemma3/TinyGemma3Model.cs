using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Writes small, seeded-random Gemma 3 vision ("gemma3") model folders in the layout of the published ONNX folder:
/// <c>genai_config.json</c>, <c>processor_config.json</c>, <c>tokenizer.json</c>, <c>tokenizer_config.json</c> and the
/// vision, embedding and text ONNX files with their <c>.data</c> weight files. The output is gibberish; every file name,
/// tensor name, dtype, token id and layout follows the published folder, so the folders exercise ONNX Runtime GenAI's real
/// gemma3 pipeline.
/// </summary>
/// <remarks>
/// <para>
/// Graphs: the vision model takes <c>pixel_values</c> float [num_images, 3, 896, 896] and returns <c>image_features</c>
/// [num_images, 256, HiddenSize] (or [num_images * 256, HiddenSize], see <see cref="TinyGemma3Options.ImageFeaturesRank"/>).
/// The embedding model takes <c>input_ids</c> int64 [1, seq] and <c>image_features</c> of the same rank and puts the
/// feature rows, in order, at the positions holding <c>&lt;image_soft_token&gt;</c> (262144); any number of rows works if
/// it equals the number of placeholders. The decoder takes <c>inputs_embeds</c>, <c>attention_mask</c> int64 [1, total]
/// and <c>past_key_values.%d.key/value</c> (no <c>position_ids</c>) and returns 262208-wide <c>logits</c>.
/// </para>
/// <para>Writing is deterministic: the same options give byte-identical files. The methods are thread-safe.</para>
/// </remarks>
public static class TinyGemma3Model
{
    /// <summary>The vision encoder's file name.</summary>
    public const string VisionFileName = "gemma-3-vision.onnx";

    /// <summary>The embedding model's file name.</summary>
    public const string EmbeddingFileName = "gemma-3-embedding.onnx";

    /// <summary>The text decoder's file name.</summary>
    public const string DecoderFileName = "gemma-3-text.onnx";

    /// <summary>The image processor's config file name (<c>vision.config_filename</c>).</summary>
    public const string ProcessorFileName = "processor_config.json";

    /// <summary>Writes a model folder, creating <paramref name="folder"/> if needed and replacing the files it writes.</summary>
    /// <param name="folder">The destination folder.</param>
    /// <param name="options">Sizes and settings; the defaults make a model of a few megabytes.</param>
    /// <returns>Facts about the written model that tests and callers need (ids, sizes).</returns>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public static TinyGemma3ModelInfo Write(string folder, TinyGemma3Options? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options ??= new TinyGemma3Options();
        options.Validate(nameof(options));
        var info = new TinyGemma3ModelInfo(options);
        Gemma3Tokenizer tokenizer = Gemma3Tokenizer.Instance;

        WeightReader weights = TinyPhi3VisionWeights.SeededRandom.OpenReader();
        ModelProto vision = Gemma3VisionGraph.Build(options, weights);
        ModelProto embedding = Gemma3EmbeddingGraph.Build(options, weights, tokenizer);
        ModelProto decoder = Gemma3DecoderGraph.Build(options, weights, tokenizer);

        Directory.CreateDirectory(folder);
        Save(vision, folder, VisionFileName);
        Save(embedding, folder, EmbeddingFileName);
        Save(decoder, folder, DecoderFileName);
        File.WriteAllBytes(Path.Combine(folder, "genai_config.json"), Gemma3ConfigFiles.GenAiConfig(info));
        File.WriteAllBytes(Path.Combine(folder, ProcessorFileName), Gemma3ConfigFiles.ProcessorConfig());
        File.WriteAllBytes(Path.Combine(folder, "tokenizer.json"), tokenizer.TokenizerJson());
        File.WriteAllBytes(Path.Combine(folder, "tokenizer_config.json"), tokenizer.TokenizerConfigJson());
        return info;
    }

    private static void Save(ModelProto model, string folder, string fileName) =>
        OnnxModelFile.Save(model, Path.Combine(folder, fileName), new ExternalDataOptions());
}
