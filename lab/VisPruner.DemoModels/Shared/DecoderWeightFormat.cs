namespace VisPruner.DemoModels;

/// <summary>How the decoder's projection weights (attention, MLP, output layer) are stored.</summary>
public enum DecoderWeightFormat
{
    /// <summary>4-bit blocks in <c>com.microsoft.MatMulNBits</c> nodes, as in published int4 CPU folders.</summary>
    Int4,

    /// <summary>Float32 <c>MatMul</c> nodes: the folder computes exactly what the weights' training code computed.</summary>
    FullPrecision,
}
