using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using VisPruner.Engine.Pruning;
using VisPruner.Extensions.AI;

namespace VisPruner.SemanticKernel;

/// <summary>
/// Semantic Kernel execution settings of <see cref="VisPrunerChatCompletionService"/>: sampling and the visual-token
/// budget of a request. Bindable from prompt configurations under their snake_case JSON names (<c>max_tokens</c>,
/// <c>tokens_per_image</c>, ...); any other <see cref="PromptExecutionSettings"/> converts with <see cref="FromExecutionSettings"/>.
/// </summary>
/// <remarks>
/// Unset (null) settings fall back to the client's defaults: <see cref="VisPrunerChatClientOptions.DefaultMaxOutputTokens"/>, the
/// model folder's sampling defaults, and the engine's pruning (<see cref="VisPrunerChatClientOptions.Engine"/>). Out-of-range
/// values are refused when set, with an <see cref="ArgumentOutOfRangeException"/> naming the setting.
/// </remarks>
[JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
public sealed class VisPrunerPromptExecutionSettings : PromptExecutionSettings
{
    // Prompt configurations are hand-written: tolerate comments, trailing commas and numbers written as strings.
    private static readonly JsonSerializerOptions Permissive = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Converters = { new ResponseFormats.TypeAsSchemaConverter() },
    };

    private int? _maxTokens;
    private float? _temperature;
    private float? _topP;
    private int? _topK;
    private long? _seed;
    private IList<string>? _stopSequences;
    private int? _tokensPerImage;
    private double? _tokenFraction;
    private double? _importantRatio;
    private VisualTokenSelectorKind? _selector;
    private object? _responseFormat;
    private ChatResponseFormat? _chatResponseFormat;

    /// <summary>Gets or sets the most tokens the answer may have (at least 1).</summary>
    [JsonPropertyName("max_tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxTokens
    {
        get => _maxTokens;
        set => Set(ref _maxTokens, value, value is null or >= 1, "must be at least 1");
    }

    /// <summary>Gets or sets the sampling temperature (0 or more; 0 takes the most likely token).</summary>
    [JsonPropertyName("temperature")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float? Temperature
    {
        get => _temperature;
        set => Set(ref _temperature, value, value is null or >= 0, "must be 0 or more");
    }

    /// <summary>Gets or sets the nucleus probability, in (0, 1].</summary>
    [JsonPropertyName("top_p")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float? TopP
    {
        get => _topP;
        set => Set(ref _topP, value, value is null or (> 0 and <= 1), "must be in (0, 1]");
    }

    /// <summary>Gets or sets how many of the most likely tokens are sampled from (0 or more; 0 means all).</summary>
    [JsonPropertyName("top_k")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TopK
    {
        get => _topK;
        set => Set(ref _topK, value, value is null or >= 0, "must be 0 or more");
    }

    /// <summary>Gets or sets the random seed: the same seed, prompt and settings give the same answer.</summary>
    [JsonPropertyName("seed")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Seed
    {
        get => _seed;
        set => Set(ref _seed, value, valid: true, string.Empty);
    }

    /// <summary>Gets or sets texts that end the answer when generated; they are not part of it.</summary>
    [JsonPropertyName("stop_sequences")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IList<string>? StopSequences
    {
        get => _stopSequences;
        set => Set(ref _stopSequences, value, valid: true, string.Empty);
    }

    /// <summary>Gets or sets the visual tokens kept per image (at least 1); takes precedence over <see cref="TokenFraction"/>.</summary>
    [JsonPropertyName("tokens_per_image")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TokensPerImage
    {
        get => _tokensPerImage;
        set => Set(ref _tokensPerImage, value, value is null or >= 1, "must be at least 1");
    }

    /// <summary>Gets or sets the share of each image's visual tokens kept, in (0, 1].</summary>
    [JsonPropertyName("token_fraction")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TokenFraction
    {
        get => _tokenFraction;
        set => Set(ref _tokenFraction, value, value is null or (> 0 and <= 1), "must be in (0, 1]");
    }

    /// <summary>Gets or sets VisPruner's important ratio, in [0, 1]: the share of the budget chosen by [CLS] attention alone.</summary>
    [JsonPropertyName("important_ratio")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ImportantRatio
    {
        get => _importantRatio;
        set => Set(ref _importantRatio, value, value is null or (>= 0 and <= 1), "must be in [0, 1]");
    }

    /// <summary>Gets or sets the visual-token selector; <see cref="VisualTokenSelectorKind.None"/> keeps every visual token.</summary>
    [JsonPropertyName("selector")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(JsonStringEnumConverter<VisualTokenSelectorKind>))]
    public VisualTokenSelectorKind? Selector
    {
        get => _selector;
        set => Set(ref _selector, value, value is null || Enum.IsDefined(value.Value), "is not a selector");
    }

    /// <summary>
    /// Gets or sets the reply's format, in the forms Semantic Kernel's OpenAI settings take: <c>"text"</c>,
    /// <c>"json_object"</c> (a JSON object with at least one property), a <see cref="Type"/> (structured output: the reply
    /// follows the type's JSON schema, so <c>JsonSerializer.Deserialize</c> reads it back), a JSON schema
    /// (<see cref="JsonElement"/>, <see cref="System.Text.Json.Nodes.JsonNode"/> or its text), OpenAI's
    /// <c>{"type": "json_schema", "json_schema": {"name", "schema"}}</c>, or a <see cref="ChatResponseFormat"/>.
    /// JSON replies are constrained while decoding and always finish (<see cref="VisPrunerChatClientOptions.StructuredOutput"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The value is of another type or malformed (the message names the setting).</exception>
    [JsonPropertyName("response_format")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(ResponseFormats.Converter))]
    public object? ResponseFormat
    {
        get => _responseFormat;
        set
        {
            ThrowIfFrozen();
            _chatResponseFormat = ResponseFormats.From(value);
            _responseFormat = value;
        }
    }

    /// <summary>
    /// Gets VisPruner settings from any execution settings: these settings themselves, or a copy of others in which
    /// the snake_case names of <see cref="PromptExecutionSettings.ExtensionData"/> fill the typed properties.
    /// </summary>
    /// <param name="executionSettings">The settings; null for the defaults.</param>
    /// <returns>The VisPruner settings.</returns>
    /// <exception cref="ArgumentException">A setting has a value of the wrong type.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (the message names it).</exception>
    public static VisPrunerPromptExecutionSettings FromExecutionSettings(PromptExecutionSettings? executionSettings)
    {
        switch (executionSettings)
        {
            case null:
                return new VisPrunerPromptExecutionSettings();
            case VisPrunerPromptExecutionSettings settings:
                return settings;
        }

        VisPrunerPromptExecutionSettings? converted;
        try
        {
            string json = JsonSerializer.Serialize(executionSettings, executionSettings.GetType(), Permissive);
            converted = JsonSerializer.Deserialize<VisPrunerPromptExecutionSettings>(json, Permissive);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            throw new ArgumentException($"The execution settings do not convert to {nameof(VisPrunerPromptExecutionSettings)}: {ex.Message}", nameof(executionSettings), ex);
        }

        if (converted is null)
        {
            throw new ArgumentException($"The execution settings do not convert to {nameof(VisPrunerPromptExecutionSettings)}.", nameof(executionSettings));
        }

        // Serialization keeps only the kind of function choice, not the functions a behavior was given: restore it. A
        // response format given as a type or format object (OpenAI settings' ResponseFormat) is kept as given too.
        converted.FunctionChoiceBehavior = executionSettings.FunctionChoiceBehavior;
        object? format = executionSettings.GetType().GetProperty(nameof(ResponseFormat))?.GetValue(executionSettings);
        if (format is Type or ChatResponseFormat)
        {
            converted.ResponseFormat = format;
        }

        return converted;
    }

    /// <inheritdoc />
    public override void Freeze()
    {
        if (IsFrozen)
        {
            return;
        }

        base.Freeze();
        if (_stopSequences is not null)
        {
            _stopSequences = new ReadOnlyCollection<string>([.. _stopSequences]);
        }
    }

    /// <inheritdoc />
    public override PromptExecutionSettings Clone() => new VisPrunerPromptExecutionSettings
    {
        ModelId = ModelId,
        ServiceId = ServiceId,
        FunctionChoiceBehavior = FunctionChoiceBehavior,
        ExtensionData = ExtensionData is null ? null : new Dictionary<string, object>(ExtensionData),
        MaxTokens = MaxTokens,
        Temperature = Temperature,
        TopP = TopP,
        TopK = TopK,
        Seed = Seed,
        StopSequences = StopSequences is null ? null : [.. StopSequences],
        TokensPerImage = TokensPerImage,
        TokenFraction = TokenFraction,
        ImportantRatio = ImportantRatio,
        Selector = Selector,
        ResponseFormat = ResponseFormat,
    };

    /// <summary>
    /// Puts the typed settings on the <see cref="ChatOptions"/> Semantic Kernel built from these settings. Its
    /// conversion copies unknown JSON names into <see cref="ChatOptions.AdditionalProperties"/>; the client reads the
    /// visual-token settings under the <see cref="VisPrunerPropertyNames"/> keys instead.
    /// </summary>
    /// <param name="options">The options about to be sent to the chat client.</param>
    protected override void PrepareChatOptionsForRequest(ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MaxOutputTokens = MaxTokens ?? options.MaxOutputTokens;
        options.Temperature = Temperature ?? options.Temperature;
        options.TopP = TopP ?? options.TopP;
        options.TopK = TopK ?? options.TopK;
        options.Seed = Seed ?? options.Seed;
        options.StopSequences = StopSequences is null ? options.StopSequences : [.. StopSequences];
        options.ResponseFormat = _chatResponseFormat ?? options.ResponseFormat;

        AdditionalPropertiesDictionary properties = options.AdditionalProperties ??= [];
        Move(properties, "tokens_per_image", VisPrunerPropertyNames.TokensPerImage, TokensPerImage);
        Move(properties, "token_fraction", VisPrunerPropertyNames.TokenFraction, TokenFraction);
        Move(properties, "important_ratio", VisPrunerPropertyNames.ImportantRatio, ImportantRatio);
        Move(properties, "selector", VisPrunerPropertyNames.Selector, Selector);
        if (properties.Count == 0)
        {
            options.AdditionalProperties = null;
        }
    }

    private static void Move<T>(AdditionalPropertiesDictionary properties, string jsonName, string key, T? value)
        where T : struct
    {
        properties.Remove(jsonName);
        if (value is not null)
        {
            properties[key] = value.Value;
        }
    }

    private void Set<T>(ref T field, T value, bool valid, string rule, [System.Runtime.CompilerServices.CallerMemberName] string setting = "")
    {
        ThrowIfFrozen();
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(setting, value, $"{nameof(VisPrunerPromptExecutionSettings)}.{setting} {rule}.");
        }

        field = value;
    }
}
