using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Writes small, seeded-random Phi-4-multimodal ("phi4mm") model folders in the layout of the published ONNX folder:
/// <c>genai_config.json</c>, <c>vision_processor.json</c>, <c>speech_processor.json</c>, <c>tokenizer.json</c>,
/// <c>tokenizer_config.json</c> and the vision, speech, embedding and text ONNX files with their <c>.data</c> weight files.
/// The output is gibberish; every file name, tensor name, dtype and layout is the published one, so the folders exercise
/// ONNX Runtime GenAI's real phi4mm pipeline.
/// </summary>
/// <remarks>
/// <para>
/// Graphs: the vision model takes <c>pixel_values</c> float [1, max_crops, 3, 448, 448], <c>image_attention_mask</c>
/// float [1, max_crops, 32, 32] and <c>image_sizes</c> int64 [1, 2] (one image per run; other batch sizes fail with a
/// shape error) and returns <c>image_features</c> [<see cref="TinyPhi4MultimodalModelInfo.ImageTokenCount"/>, HiddenSize].
/// The embedding model takes <c>input_ids</c> int64 [1, seq], <c>image_features</c> and <c>audio_features</c> and puts
/// their rows at the image (200010) and audio (200011) placeholders in order. The decoder is the phi3v demo's, at the
/// published 200064-wide vocabulary (ids without a token get logits far below the others).
/// </para>
/// <para>Writing is deterministic: the same options give byte-identical files. The methods are thread-safe.</para>
/// </remarks>
public static class TinyPhi4MultimodalModel
{
    /// <summary>The vision encoder's file name.</summary>
    public const string VisionFileName = "phi-4-mm-vision.onnx";

    /// <summary>The speech encoder's file name.</summary>
    public const string SpeechFileName = "phi-4-mm-speech.onnx";

    /// <summary>The embedding model's file name.</summary>
    public const string EmbeddingFileName = "phi-4-mm-embedding.onnx";

    /// <summary>The text decoder's file name.</summary>
    public const string DecoderFileName = "phi-4-mm-text.onnx";

    /// <summary>The image processor's config file name (<c>vision.config_filename</c>).</summary>
    public const string VisionProcessorFileName = "vision_processor.json";

    /// <summary>The audio processor's config file name (<c>speech.config_filename</c>).</summary>
    public const string SpeechProcessorFileName = "speech_processor.json";

    /// <summary>Writes a model folder, creating <paramref name="folder"/> if needed and replacing the files it writes.</summary>
    /// <param name="folder">The destination folder.</param>
    /// <param name="options">Sizes and settings; the defaults make a model of a few megabytes.</param>
    /// <returns>Facts about the written model that tests and callers need (ids, sizes).</returns>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public static TinyPhi4MultimodalModelInfo Write(string folder, TinyPhi4MultimodalOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options ??= new TinyPhi4MultimodalOptions();
        options.Validate(nameof(options));
        DemoTokenizer tokenizer = DemoTokenizer.Phi4Multimodal;
        var info = new TinyPhi4MultimodalModelInfo(
            options,
            tokenizer.VocabularySize,
            tokenizer.EndOfTextId,
            [tokenizer.EndId, tokenizer.EndOfTextId],
            tokenizer.EndOfTextId,
            tokenizer.SpecialId("<|endoftext10|>"));

        WeightReader weights = TinyPhi3VisionWeights.SeededRandom.OpenReader();
        ModelProto vision = Phi4VisionGraph.Build(options, weights);
        ModelProto embedding = EmbeddingGraph.Build("phi4mm_embedding", options.Seed, options.HiddenSize, weights, tokenizer, tokenizer.CompactSize,
            info.ImageTokenId, options.WithSpeech ? tokenizer.SpecialId("<|endoftext11|>") : null);
        ModelProto decoder = DecoderGraph.Build(options, weights, tokenizer, "phi4mm_text");
        ModelProto? speech = options.WithSpeech ? SpeechGraph.Build(options, weights) : null;

        Directory.CreateDirectory(folder);
        Save(vision, folder, VisionFileName);
        Save(embedding, folder, EmbeddingFileName);
        Save(decoder, folder, DecoderFileName);
        File.WriteAllBytes(Path.Combine(folder, "genai_config.json"), Phi4ConfigFiles.GenAiConfig(info));
        File.WriteAllBytes(Path.Combine(folder, VisionProcessorFileName), Phi4ConfigFiles.VisionProcessorConfig(options.DynamicHd));
        if (speech is not null)
        {
            Save(speech, folder, SpeechFileName);
            File.WriteAllBytes(Path.Combine(folder, SpeechProcessorFileName), Phi4ConfigFiles.SpeechProcessorConfig());
        }

        File.WriteAllBytes(Path.Combine(folder, "tokenizer.json"), tokenizer.TokenizerJson());
        File.WriteAllBytes(Path.Combine(folder, "tokenizer_config.json"), tokenizer.TokenizerConfigJson());
        return info;
    }

    private static void Save(ModelProto model, string folder, string fileName) =>
        OnnxModelFile.Save(model, Path.Combine(folder, fileName), new ExternalDataOptions());
}
