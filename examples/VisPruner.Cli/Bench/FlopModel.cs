using VisPruner.DemoModels;

namespace VisPruner.Cli.Bench;

/// <summary>
/// Multiply-accumulate counts of the phi3v pipeline, from the model's shapes: the limit any speed-up from pruning can reach.
/// Counts matrix products and attention; norms, activations and softmax are negligible beside them.
/// </summary>
internal sealed class FlopModel(TinyPhi3VisionOptions model, int vocabulary)
{
    private const int VisionTokens = 577;

    /// <summary>Gets the vision encoder's MACs for an image of <paramref name="crops"/> crops (global view included).</summary>
    public double Vision(int crops)
    {
        double c = model.VisionHiddenSize, i = model.VisionIntermediateSize, s = VisionTokens;
        double perLayer = (s * ((4 * c * c) + (2 * c * i))) + (2 * s * s * c);
        double projector = 157.0 * crops * ((4 * c * model.HiddenSize) + ((double)model.HiddenSize * model.HiddenSize));
        return (crops * (model.VisionLayers - 1) * perLayer) + projector;
    }

    /// <summary>Gets the decoder's MACs for a prefill of <paramref name="tokens"/> tokens (causal attention).</summary>
    public double Prefill(int tokens)
    {
        double h = model.HiddenSize, kv = (double)model.KeyValueHeads * (model.HiddenSize / model.AttentionHeads), m = model.IntermediateSize, s = tokens;
        double linear = s * ((2 * h * h) + (2 * h * kv) + (3 * h * m));
        double attention = s * s * h; // QK^T and AV, each half of S^2 x H under the causal mask
        return (model.DecoderLayers * (linear + attention)) + (s * h * vocabulary);
    }
}
