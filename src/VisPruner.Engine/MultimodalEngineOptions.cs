using VisPruner.Engine.Pruning;

namespace VisPruner.Engine;

/// <summary>Settings of a <see cref="MultimodalEngine"/>, bindable from configuration.</summary>
public sealed class MultimodalEngineOptions
{
    /// <summary>Gets or sets where the models run.</summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>Gets or sets the CUDA device ordinal when <see cref="ExecutionProvider"/> is <see cref="ExecutionProvider.Cuda"/>.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>Gets or sets the threads ONNX Runtime uses inside one operator; 0 lets it choose (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Gets or sets the memory budget, in bytes, for vision features kept so that an image asked about again skips the
    /// vision encoder; 0 disables the cache. Default 256 MiB.
    /// </summary>
    public long VisionFeatureCacheBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Gets or sets whether the key/value cache is one buffer written in place (true) or grown each step (false);
    /// null follows the model folder's <c>search.past_present_share_buffer</c>.
    /// </summary>
    public bool? PastPresentShareBuffer { get; set; }

    /// <summary>Gets or sets the default visual-token pruning of every request (a request may override it).</summary>
    public VisualTokenPruningOptions Pruning { get; set; } = new();

    /// <summary>Gets or sets the largest image, in pixels, accepted for decoding (checked before allocating). Default 100 million.</summary>
    public long MaxImagePixels { get; set; } = 100_000_000;
}

/// <summary>Where the models run.</summary>
public enum ExecutionProvider
{
    /// <summary>ONNX Runtime's CPU execution provider.</summary>
    Cpu,

    /// <summary>ONNX Runtime's CUDA execution provider (needs the GPU build of ONNX Runtime and an NVIDIA GPU).</summary>
    Cuda,
}
