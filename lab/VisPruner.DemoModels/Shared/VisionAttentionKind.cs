namespace VisPruner.DemoModels;

/// <summary>How the vision encoder's self-attention is expressed in the generated graph.</summary>
public enum VisionAttentionKind
{
    /// <summary>
    /// Separate Q/K/V MatMuls, a scaled <c>Q K^T</c> MatMul and a <c>Softmax</c> whose output (the attention
    /// probabilities, <c>[crops, heads, 577, 577]</c>) is a tensor of the graph, as in plain PyTorch exports.
    /// </summary>
    Unfused,

    /// <summary>One <c>com.microsoft.MultiHeadAttention</c> node per layer, fed Q, K and V of shape <c>[crops, 577, width]</c>.</summary>
    MultiHeadAttention,
}
