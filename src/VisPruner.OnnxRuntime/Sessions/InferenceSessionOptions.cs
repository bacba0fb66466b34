using Microsoft.Extensions.Logging;

namespace VisPruner.OnnxRuntime;

/// <summary>Options for creating an <see cref="InferenceSession"/>.</summary>
public sealed class InferenceSessionOptions
{
    /// <summary>Threads used inside one operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads used to run independent operators in parallel; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Graph optimisation level; defaults to <see cref="GraphOptimizationLevel.All"/>.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; set; } = GraphOptimizationLevel.All;

    /// <summary>Run independent branches of the graph in parallel (uses <see cref="InterOpThreads"/>).</summary>
    public bool ParallelExecution { get; set; }

    /// <summary>
    /// Folder that holds the external data files (<c>.data</c>) of a model created from bytes. Models
    /// loaded from a path find theirs next to the model file without this.
    /// </summary>
    public string? ExternalDataFolder { get; set; }

    /// <summary>When set, the CUDA execution provider is added ahead of the CPU provider.</summary>
    public CudaExecutionProviderOptions? Cuda { get; set; }

    /// <summary>
    /// The least severe message this session logs, overriding the environment's
    /// <see cref="OnnxRuntimeEnvironmentOptions.MinimumLogLevel"/>; null keeps the environment's.
    /// </summary>
    public LogLevel? LogLevel { get; set; }

    /// <summary>Raw ONNX Runtime session configuration entries (<c>AddSessionConfigEntry</c>).</summary>
    public IDictionary<string, string> ConfigEntries { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
