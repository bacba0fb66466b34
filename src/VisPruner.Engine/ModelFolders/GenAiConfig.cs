using System.Text.Json;

namespace VisPruner.Engine.ModelFolders;

/// <summary>
/// The parts of an ONNX Runtime GenAI <c>genai_config.json</c> that this engine uses, read and checked for consistency.
/// </summary>
/// <param name="Model">The <c>model</c> section.</param>
/// <param name="Search">The <c>search</c> section (generation defaults).</param>
public sealed record GenAiConfig(ModelConfig Model, SearchConfig Search)
{
    /// <summary>The file name ONNX Runtime GenAI model folders use.</summary>
    public const string FileName = "genai_config.json";

    /// <summary>Reads and validates a <c>genai_config.json</c> file.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelFolderException">The file is not valid JSON, or a field is missing or inconsistent.</exception>
    public static GenAiConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The model configuration {path} does not exist.", path);
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Gets the files, relative to the folder, that the configuration names (models and processor configuration).</summary>
    public IEnumerable<(string File, string What)> NamedFiles()
    {
        yield return (Model.Decoder.FileName, "decoder model");
        if (Model.EmbeddingFileName is { } embedding)
        {
            yield return (embedding, "embedding model");
        }

        if (Model.Vision is { } vision)
        {
            yield return (vision.FileName, "vision model");
            yield return (vision.ConfigFileName, "image processor configuration");
        }
    }

    /// <summary>Parses and validates the text of a <c>genai_config.json</c> file.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">The name reported in errors.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ModelFolderException">The text is not valid JSON, or a field is missing or inconsistent.</exception>
    public static GenAiConfig Parse(string json, string source = FileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new ModelFolderException(source, null, $"is not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFolderException(source, null, "must hold a JSON object.");
            }

            var root = new JsonFields(document.RootElement, source, string.Empty);
            ModelConfig model = ModelConfig.Read(root.Object("model"));
            SearchConfig search = SearchConfig.Read(root.OptionalObject("search"), model.ContextLength);
            return new GenAiConfig(model, search);
        }
    }
}

/// <summary>The <c>model</c> section of <c>genai_config.json</c>.</summary>
/// <param name="Type">The model family (<c>model.type</c>), e.g. <c>phi3v</c>.</param>
/// <param name="BosTokenId">The beginning-of-sequence token id.</param>
/// <param name="EosTokenIds">Every id that ends generation.</param>
/// <param name="PadTokenId">The padding token id.</param>
/// <param name="VocabSize">The decoder's vocabulary size (width of the logits).</param>
/// <param name="ContextLength">The most tokens (prompt plus generated) the decoder supports.</param>
/// <param name="Decoder">The language-model decoder.</param>
/// <param name="EmbeddingFileName">The token embedding model that merges image features (<c>model.embedding.filename</c>), if the family has one.</param>
/// <param name="Vision">The vision encoder, if the family has one.</param>
public sealed record ModelConfig(
    string Type,
    int BosTokenId,
    IReadOnlyList<int> EosTokenIds,
    int PadTokenId,
    int VocabSize,
    int ContextLength,
    DecoderConfig Decoder,
    string? EmbeddingFileName,
    VisionConfig? Vision)
{
    internal static ModelConfig Read(JsonFields model) => new(
        model.String("type"),
        model.OptionalInt("bos_token_id") ?? 1,
        model.IntOrList("eos_token_id"),
        model.OptionalInt("pad_token_id") ?? 0,
        model.PositiveInt("vocab_size"),
        model.PositiveInt("context_length"),
        DecoderConfig.Read(model.Object("decoder")),
        model.OptionalObject("embedding")?.String("filename"),
        model.OptionalObject("vision") is { } vision ? VisionConfig.Read(vision) : null);
}

/// <summary>
/// The <c>model.decoder</c> section: the language model's shape (ONNX Runtime GenAI runs it; the engine needs its width for
/// the image features and its key/value geometry for the cache statistics).
/// </summary>
/// <param name="FileName">The ONNX file, relative to the folder.</param>
/// <param name="HiddenSize">The hidden width.</param>
/// <param name="HeadSize">The width of one attention head.</param>
/// <param name="NumAttentionHeads">Query heads per layer.</param>
/// <param name="NumKeyValueHeads">Key/value heads per layer (grouped-query attention when fewer than query heads).</param>
/// <param name="NumHiddenLayers">Decoder layers (one key and one value cache each).</param>
/// <param name="InputsEmbedsName">Input: token embeddings [batch, seq, hidden].</param>
/// <param name="PastKeyNames">Input name pattern of past keys, with <c>%d</c> for the layer.</param>
/// <param name="LogitsName">Output: logits [batch, seq, vocab].</param>
public sealed record DecoderConfig(
    string FileName, int HiddenSize, int HeadSize, int NumAttentionHeads, int NumKeyValueHeads, int NumHiddenLayers, string InputsEmbedsName, string PastKeyNames, string LogitsName)
{
    /// <summary>Gets the input name of layer <paramref name="layer"/>'s past keys.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The input name.</returns>
    public string PastKeyName(int layer) =>
        PastKeyNames.Replace("%d", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    internal static DecoderConfig Read(JsonFields decoder)
    {
        JsonFields? inputs = decoder.OptionalObject("inputs");
        string pastKeys = "past_key_values.%d.key";
        if (inputs is { } named)
        {
            pastKeys = named.OptionalString("past_key_names") ?? pastKeys;
            if (!pastKeys.Contains("%d", StringComparison.Ordinal))
            {
                throw named.Wrong("past_key_names", $"('{pastKeys}') must contain %d for the layer index");
            }
        }

        var config = new DecoderConfig(
            decoder.String("filename"),
            decoder.PositiveInt("hidden_size"),
            decoder.PositiveInt("head_size"),
            decoder.PositiveInt("num_attention_heads"),
            decoder.PositiveInt("num_key_value_heads"),
            decoder.PositiveInt("num_hidden_layers"),
            inputs?.OptionalString("inputs_embeds") ?? "inputs_embeds",
            pastKeys,
            decoder.OptionalObject("outputs")?.OptionalString("logits") ?? "logits");

        if (config.NumAttentionHeads % config.NumKeyValueHeads != 0)
        {
            throw decoder.Wrong("num_key_value_heads", $"({config.NumKeyValueHeads}) must divide num_attention_heads ({config.NumAttentionHeads})");
        }

        if (config.HiddenSize != config.NumAttentionHeads * config.HeadSize)
        {
            throw decoder.Wrong(
                "hidden_size", $"({config.HiddenSize}) must equal num_attention_heads x head_size ({config.NumAttentionHeads} x {config.HeadSize})");
        }

        return config;
    }
}

/// <summary>The <c>model.vision</c> section: the vision encoder.</summary>
/// <param name="FileName">The ONNX file, relative to the folder.</param>
/// <param name="PixelValuesName">Input: preprocessed pixels.</param>
/// <param name="ImageSizesName">Input: image sizes [images, 2] int64 (phi3v).</param>
/// <param name="ImageFeaturesName">Output: image features [rows, hidden].</param>
/// <param name="ConfigFileName">The processor configuration file, relative to the folder.</param>
public sealed record VisionConfig(string FileName, string PixelValuesName, string ImageSizesName, string ImageFeaturesName, string ConfigFileName)
{
    internal static VisionConfig Read(JsonFields vision)
    {
        JsonFields? inputs = vision.OptionalObject("inputs");
        JsonFields? outputs = vision.OptionalObject("outputs");
        return new VisionConfig(
            vision.String("filename"),
            inputs?.OptionalString("pixel_values") ?? "pixel_values",
            inputs?.OptionalString("image_sizes") ?? "image_sizes",
            outputs?.OptionalString("image_features") ?? "image_features",
            vision.OptionalString("config_filename") ?? "processor_config.json");
    }
}

/// <summary>The <c>search</c> section: the model author's generation defaults.</summary>
/// <param name="MaxLength">The most tokens, prompt plus generated.</param>
/// <param name="DoSample">Whether to sample (otherwise greedy).</param>
/// <param name="TopK">Sample among the k most likely tokens (0: all).</param>
/// <param name="TopP">Sample within the smallest set whose probability reaches p.</param>
/// <param name="Temperature">Logit temperature.</param>
/// <param name="RepetitionPenalty">Penalty on tokens already seen (1: none).</param>
/// <param name="PastPresentShareBuffer">Whether the KV cache is one buffer of <paramref name="MaxLength"/> written in place.</param>
/// <param name="RandomSeed">The sampling seed of every request, or -1 (the default) for a fresh seed per request.</param>
public sealed record SearchConfig(
    int MaxLength, bool DoSample, int TopK, double TopP, double Temperature, double RepetitionPenalty, bool PastPresentShareBuffer, int RandomSeed)
{
    internal static SearchConfig Read(JsonFields? search, int contextLength) => new(
        search?.OptionalInt("max_length") ?? contextLength,
        search?.OptionalBool("do_sample") ?? false,
        search?.OptionalInt("top_k") ?? 50,
        search?.OptionalDouble("top_p") ?? 1.0,
        search?.OptionalDouble("temperature") ?? 1.0,
        search?.OptionalDouble("repetition_penalty") ?? 1.0,
        search?.OptionalBool("past_present_share_buffer") ?? false,
        search?.OptionalInt("random_seed") ?? -1);
}
