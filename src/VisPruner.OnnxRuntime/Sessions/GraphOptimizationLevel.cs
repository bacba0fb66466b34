namespace VisPruner.OnnxRuntime;

/// <summary>How much ONNX Runtime rewrites the graph before running it.</summary>
public enum GraphOptimizationLevel
{
    /// <summary>No graph optimisations.</summary>
    None = 0,
    /// <summary>Semantics-preserving basic rewrites (constant folding, redundant node removal).</summary>
    Basic = 1,
    /// <summary>Basic plus complex node fusions.</summary>
    Extended = 2,
    /// <summary>Every optimisation, including layout changes.</summary>
    All = 99,
}
