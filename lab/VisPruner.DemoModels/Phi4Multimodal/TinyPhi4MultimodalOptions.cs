namespace VisPruner.DemoModels;

/// <summary>
/// Sizes and settings of a model written by <see cref="TinyPhi4MultimodalModel"/>. The defaults make a model of a few
/// megabytes with Phi-4-multimodal's layout: SigLIP-shaped vision encoder over 448-pixel crops, 2 x 2 average pooling
/// to 256 tokens per crop, and a Phi-4-mini-shaped decoder at a small width.
/// </summary>
public sealed record TinyPhi4MultimodalOptions : IDecoderOptions
{
    /// <summary>The weight seed: equal options give byte-identical folders.</summary>
    public int Seed { get; init; } = 4321;

    /// <summary>How the decoder's projections are stored (4-bit <c>MatMulNBits</c> as published, or float).</summary>
    public DecoderWeightFormat DecoderWeights { get; init; } = DecoderWeightFormat.Int4;

    /// <summary>Width of the vision encoder (SigLIP-so400m: 1152).</summary>
    public int VisionHiddenSize { get; init; } = 32;

    /// <summary>Encoder layers; the features are the last one's output, before any final norm.</summary>
    public int VisionLayers { get; init; } = 2;

    /// <summary>Attention heads of the vision encoder (must divide <see cref="VisionHiddenSize"/>).</summary>
    public int VisionHeads { get; init; } = 4;

    /// <summary>Width of the vision MLP.</summary>
    public int VisionIntermediateSize { get; init; } = 64;

    /// <summary>
    /// How vision attention is expressed: unfused (MatMul/Softmax, whose probabilities a tap can read) or fused
    /// <c>MultiHeadAttention</c>.
    /// </summary>
    public VisionAttentionKind VisionAttention { get; init; } = VisionAttentionKind.Unfused;

    /// <summary>Width of the decoder (Phi-4-mini: 3072).</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Decoder layers.</summary>
    public int DecoderLayers { get; init; } = 2;

    /// <summary>Decoder attention heads.</summary>
    public int AttentionHeads { get; init; } = 4;

    /// <summary>Decoder key/value heads (must divide <see cref="AttentionHeads"/>).</summary>
    public int KeyValueHeads { get; init; } = 2;

    /// <summary>Width of the decoder MLP.</summary>
    public int IntermediateSize { get; init; } = 128;

    /// <summary><c>context_length</c> in <c>genai_config.json</c>.</summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary><c>search.max_length</c>, and the length of the decoder's rotary tables.</summary>
    public int MaxLength { get; init; } = 4096;

    /// <summary><c>search.past_present_share_buffer</c> (true in the published config).</summary>
    public bool PastPresentShareBuffer { get; init; } = true;

    /// <summary>The most 448-pixel sub-crops per image (<c>dynamic_hd</c>; 36 as published).</summary>
    public int DynamicHd { get; init; } = 36;

    /// <summary>Write the speech model and its config too, as the published folder has them.</summary>
    public bool WithSpeech { get; init; } = true;

    /// <summary>Decoder head size.</summary>
    public int HeadSize => HiddenSize / AttentionHeads;

    TinyPhi3VisionScript? IDecoderOptions.Script => null;

    internal void Validate(string parameterName)
    {
        Require(VisionHiddenSize > 0, nameof(VisionHiddenSize), $"({VisionHiddenSize}) must be positive");
        Require(VisionHeads > 0 && VisionHiddenSize % VisionHeads == 0, nameof(VisionHeads), $"({VisionHeads}) must be positive and divide VisionHiddenSize ({VisionHiddenSize})");
        Require(VisionLayers > 0, nameof(VisionLayers), $"({VisionLayers}) must be positive");
        Require(VisionIntermediateSize > 0, nameof(VisionIntermediateSize), $"({VisionIntermediateSize}) must be positive");
        Require(DynamicHd > 0, nameof(DynamicHd), $"({DynamicHd}) must be positive");
        DecoderOptionsValidation.Validate(this, ContextLength, nameof(TinyPhi4MultimodalOptions), parameterName);

        void Require(bool condition, string name, string problem)
        {
            if (!condition)
            {
                throw new ArgumentException($"TinyPhi4MultimodalOptions.{name} {problem}.", parameterName);
            }
        }
    }
}
