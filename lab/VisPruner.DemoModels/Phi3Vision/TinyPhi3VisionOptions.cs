using System.Globalization;

namespace VisPruner.DemoModels;

/// <summary>
/// Sizes and settings of a model written by <see cref="TinyPhi3VisionModel"/>. The image side (336 px), patch size
/// (14 px, 24 x 24 patches per crop plus [CLS]) and the 2 x 2 token merge are fixed, as in Phi-3.5-vision.
/// </summary>
public sealed record TinyPhi3VisionOptions : IDecoderOptions
{
    /// <summary>Seed of every random weight: the same options always give byte-identical files.</summary>
    public int Seed { get; init; } = 1234;

    /// <summary>
    /// Where the named weights come from: <see cref="TinyPhi3VisionWeights.SeededRandom"/> (the default, drawn from
    /// <see cref="Seed"/>) or trained weights (<see cref="SafetensorsWeights"/>, whose tensors must match these sizes).
    /// </summary>
    public TinyPhi3VisionWeights Weights { get; init; } = TinyPhi3VisionWeights.SeededRandom;

    /// <summary>How the decoder's projections are stored. Default: 4-bit <c>MatMulNBits</c>, as published folders.</summary>
    public DecoderWeightFormat DecoderWeights { get; init; } = DecoderWeightFormat.Int4;

    /// <summary>Width of the CLIP vision encoder.</summary>
    public int VisionHiddenSize { get; init; } = 32;

    /// <summary>
    /// Layers of the CLIP encoder as configured; features come from the penultimate one, so the graph holds
    /// <c>VisionLayers - 1</c> layers (the last one would be dead code, as in published exports). At least 2.
    /// </summary>
    public int VisionLayers { get; init; } = 3;

    /// <summary>Attention heads of the vision encoder (must divide <see cref="VisionHiddenSize"/>).</summary>
    public int VisionHeads { get; init; } = 4;

    /// <summary>Hidden width of the vision MLP.</summary>
    public int VisionIntermediateSize { get; init; } = 64;

    /// <summary>How vision self-attention appears in the graph.</summary>
    public VisionAttentionKind VisionAttention { get; init; } = VisionAttentionKind.Unfused;

    /// <summary>Width of the language decoder (with 4-bit weights a multiple of 32, the quantization block).</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Decoder layers.</summary>
    public int DecoderLayers { get; init; } = 2;

    /// <summary>Decoder query heads; the head size (<c>HiddenSize / AttentionHeads</c>) must be a multiple of 16 for rotary embedding.</summary>
    public int AttentionHeads { get; init; } = 4;

    /// <summary>Decoder key/value heads (grouped-query attention); must divide <see cref="AttentionHeads"/>.</summary>
    public int KeyValueHeads { get; init; } = 2;

    /// <summary>Hidden width of the decoder's gated MLP (with 4-bit weights a multiple of 32).</summary>
    public int IntermediateSize { get; init; } = 128;

    /// <summary>The <c>context_length</c> written to <c>genai_config.json</c>.</summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary>
    /// <c>search.max_length</c>: the most tokens a sequence may reach; the rotary caches cover this many positions and
    /// a shared KV buffer has this length. At most <see cref="ContextLength"/>.
    /// </summary>
    public int MaxLength { get; init; } = 4096;

    /// <summary><c>search.past_present_share_buffer</c>; the decoder graph supports both modes either way.</summary>
    public bool PastPresentShareBuffer { get; init; }

    /// <summary><c>num_crops</c> of the processor configuration (the most 336-px crops per image).</summary>
    public int NumCrops { get; init; } = 4;

    /// <summary>An optional scripted reply that overrides the decoder's random predictions.</summary>
    public TinyPhi3VisionScript? Script { get; init; }

    /// <summary>
    /// Options for a model of trained weights: the sizes come from the file's <c>__metadata__</c> (keys named after these
    /// properties in snake case: <c>vision_hidden_size</c>, <c>vision_layers</c>, <c>vision_heads</c>,
    /// <c>vision_intermediate_size</c>, <c>hidden_size</c>, <c>decoder_layers</c>, <c>attention_heads</c>,
    /// <c>key_value_heads</c>, <c>intermediate_size</c>, <c>num_crops</c>), the decoder keeps float32 projections so the
    /// folder computes what training computed, and the KV cache is one shared buffer.
    /// </summary>
    /// <param name="weights">The trained weights.</param>
    /// <param name="maxLength">The most tokens a sequence may reach (prompt, visual tokens and answer).</param>
    /// <returns>The options; the factory checks every tensor's shape against them.</returns>
    /// <exception cref="InvalidDataException">A size is missing from the metadata or not an integer.</exception>
    public static TinyPhi3VisionOptions ForTrainedWeights(SafetensorsWeights weights, int maxLength = 2048)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int Size(string key) => weights.Metadata.TryGetValue(key, out string? value) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int size)
            ? size
            : throw new InvalidDataException($"{weights.Source}: __metadata__ lacks an integer '{key}'.");
        return new TinyPhi3VisionOptions
        {
            Weights = weights,
            DecoderWeights = DecoderWeightFormat.FullPrecision,
            VisionHiddenSize = Size("vision_hidden_size"),
            VisionLayers = Size("vision_layers"),
            VisionHeads = Size("vision_heads"),
            VisionIntermediateSize = Size("vision_intermediate_size"),
            HiddenSize = Size("hidden_size"),
            DecoderLayers = Size("decoder_layers"),
            AttentionHeads = Size("attention_heads"),
            KeyValueHeads = Size("key_value_heads"),
            IntermediateSize = Size("intermediate_size"),
            NumCrops = Size("num_crops"),
            ContextLength = maxLength,
            MaxLength = maxLength,
            PastPresentShareBuffer = true,
        };
    }

    internal int VisionGraphLayers => VisionLayers - 1;

    public int HeadSize => HiddenSize / AttentionHeads;

    internal void Validate(string parameterName)
    {
        Positive(VisionHiddenSize, nameof(VisionHiddenSize));
        Positive(VisionHeads, nameof(VisionHeads));
        Positive(VisionIntermediateSize, nameof(VisionIntermediateSize));
        Positive(NumCrops, nameof(NumCrops));
        Require(VisionLayers >= 2, nameof(VisionLayers), "must be at least 2: features come from the penultimate layer");
        Require(VisionHiddenSize % VisionHeads == 0, nameof(VisionHeads), $"({VisionHeads}) must divide VisionHiddenSize ({VisionHiddenSize})");
        Require(Weights is not null, nameof(Weights), "must be set");
        DecoderOptionsValidation.Validate(this, ContextLength, nameof(TinyPhi3VisionOptions), parameterName);
        if (Script is { } script)
        {
            Require(script.PromptLength > 0 && script.PromptLength + script.Tokens.Count < MaxLength, nameof(Script),
                "needs a positive prompt length and must fit, with its tokens and the final end token, within MaxLength");
        }

        void Positive(int value, string name) => Require(value > 0, name, $"({value}) must be positive");

        // The message names the property; the parameter is the factory method's options argument.
        void Require(bool condition, string name, string problem)
        {
            if (!condition)
            {
                throw new ArgumentException($"TinyPhi3VisionOptions.{name} {problem}.", parameterName);
            }
        }
    }
}
