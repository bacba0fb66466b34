namespace VisPruner.DemoModels;

/// <summary>
/// Sizes and settings of a model written by <see cref="TinyGemma3Model"/>. The defaults make a model of a few megabytes
/// with Gemma 3's layout: a SigLIP-shaped encoder over 896-pixel images (64 x 64 patches), 4 x 4 average pooling to 256
/// tokens per image, and a Gemma-3-shaped decoder at a small width.
/// </summary>
public sealed record TinyGemma3Options : IDecoderOptions
{
    /// <summary>The weight seed: equal options give byte-identical folders.</summary>
    public int Seed { get; init; } = 3141;

    /// <summary>How the decoder's projections are stored (4-bit <c>MatMulNBits</c> as published, or float).</summary>
    public DecoderWeightFormat DecoderWeights { get; init; } = DecoderWeightFormat.Int4;

    /// <summary>Width of the vision encoder (Gemma 3's SigLIP: 1152).</summary>
    public int VisionHiddenSize { get; init; } = 32;

    /// <summary>Encoder layers (Gemma 3: 27); the projector reads the last one's output after the final layer norm.</summary>
    public int VisionLayers { get; init; } = 2;

    /// <summary>
    /// Attention heads of the vision encoder (must divide <see cref="VisionHiddenSize"/>). Each unfused head holds a
    /// 4096 x 4096 probability matrix per image (64 MB), so the default keeps two.
    /// </summary>
    public int VisionHeads { get; init; } = 2;

    /// <summary>Width of the vision MLP.</summary>
    public int VisionIntermediateSize { get; init; } = 64;

    /// <summary>
    /// How vision attention is expressed: unfused (MatMul/Softmax, whose probabilities a tap can read) or fused
    /// <c>MultiHeadAttention</c>.
    /// </summary>
    public VisionAttentionKind VisionAttention { get; init; } = VisionAttentionKind.Unfused;

    /// <summary>
    /// Rank of <c>image_features</c>, the vision output and the embedding input alike: 3 for [num_images, 256, hidden]
    /// (the projector's natural shape), 2 for [num_images * 256, hidden]. GenAI sizes its buffer from this rank.
    /// </summary>
    public int ImageFeaturesRank { get; init; } = 3;

    /// <summary>Width of the decoder (Gemma 3 4B: 2560).</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Decoder layers; every sixth attends globally, the others in a sliding window.</summary>
    public int DecoderLayers { get; init; } = 6;

    /// <summary>Decoder attention heads.</summary>
    public int AttentionHeads { get; init; } = 4;

    /// <summary>Decoder key/value heads (must divide <see cref="AttentionHeads"/>).</summary>
    public int KeyValueHeads { get; init; } = 2;

    /// <summary>Width of the decoder MLP.</summary>
    public int IntermediateSize { get; init; } = 128;

    /// <summary>Positions a local (sliding-window) layer attends to (Gemma 3: 1024).</summary>
    public int SlidingWindow { get; init; } = 1024;

    /// <summary><c>context_length</c> in <c>genai_config.json</c>.</summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary><c>search.max_length</c>, and the length of the decoder's rotary tables.</summary>
    public int MaxLength { get; init; } = 4096;

    /// <summary><c>search.past_present_share_buffer</c> (GenAI's builder writes true for GroupQueryAttention decoders).</summary>
    public bool PastPresentShareBuffer { get; init; } = true;

    /// <summary>Decoder head size.</summary>
    public int HeadSize => HiddenSize / AttentionHeads;

    TinyPhi3VisionScript? IDecoderOptions.Script => null;

    internal void Validate(string parameterName)
    {
        Require(VisionHiddenSize > 0, nameof(VisionHiddenSize), $"({VisionHiddenSize}) must be positive");
        Require(VisionHeads > 0 && VisionHiddenSize % VisionHeads == 0, nameof(VisionHeads), $"({VisionHeads}) must be positive and divide VisionHiddenSize ({VisionHiddenSize})");
        Require(VisionLayers > 0, nameof(VisionLayers), $"({VisionLayers}) must be positive");
        Require(VisionIntermediateSize > 0, nameof(VisionIntermediateSize), $"({VisionIntermediateSize}) must be positive");
        Require(ImageFeaturesRank is 2 or 3, nameof(ImageFeaturesRank), $"({ImageFeaturesRank}) must be 2 or 3");
        Require(SlidingWindow > 0, nameof(SlidingWindow), $"({SlidingWindow}) must be positive");
        DecoderOptionsValidation.Validate(this, ContextLength, nameof(TinyGemma3Options), parameterName);

        void Require(bool condition, string name, string problem)
        {
            if (!condition)
            {
                throw new ArgumentException($"TinyGemma3Options.{name} {problem}.", parameterName);
            }
        }
    }
}
