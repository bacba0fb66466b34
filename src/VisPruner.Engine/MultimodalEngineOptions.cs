using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;

namespace VisPruner.Engine;

/// <summary>Settings of a <see cref="MultimodalEngine"/>, bindable from configuration.</summary>
public sealed class MultimodalEngineOptions
{
    /// <summary>
    /// Gets or sets where the models run; the same provider serves the vision encoder (ONNX Runtime) and the decoder (ONNX
    /// Runtime GenAI). Providers other than <see cref="ExecutionProvider.Cpu"/> need the matching native package.
    /// </summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>Gets or sets the device ordinal for <see cref="ExecutionProvider.Cuda"/> and <see cref="ExecutionProvider.DirectML"/>.</summary>
    public int DeviceId { get; set; }

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

    /// <summary>
    /// Gets or sets how many finished generators are kept so that a follow-up request whose prompt extends an earlier
    /// prompt and reply continues it (prefilling only the new tokens) instead of starting over. Each holds its key/value
    /// cache. Default 2; 0 disables the reuse.
    /// </summary>
    public int ContinuableGenerators { get; set; } = 2;

    /// <summary>
    /// Gets or sets the tokens of room a continuable generator keeps beyond its own request for follow-up turns (its
    /// sequence length is fixed when it is created). Default 512.
    /// </summary>
    public int ContinuationHeadroom { get; set; } = 512;

    /// <summary>Gets or sets the default visual-token pruning of every request (a request may override it).</summary>
    public VisualTokenPruningOptions Pruning { get; set; } = new();

    /// <summary>Gets or sets the caps on a request's images, checked from their headers before anything is decoded.</summary>
    public ImageLimits ImageLimits { get; set; } = new();

    /// <summary>
    /// Gets or sets whether ONNX Runtime and ONNX Runtime GenAI may collect usage telemetry (they then write files under
    /// <c>~/.cache/Microsoft/DeveloperTools/</c>). Default false: the engine sets <c>ORT_DISABLE_TELEMETRY=1</c> before the
    /// native libraries start. The first engine loaded in a process decides for the whole process.
    /// </summary>
    public bool EnableOnnxRuntimeTelemetry { get; set; }

    /// <summary>Checks the settings, nested ones included.</summary>
    /// <returns>Every problem found, each naming its setting; empty when the settings are usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Require(Enum.IsDefined(ExecutionProvider), nameof(ExecutionProvider), ExecutionProvider, "is not a known provider");
        Require(DeviceId >= 0, nameof(DeviceId), DeviceId, "must not be negative");
        Require(IntraOpThreads >= 0, nameof(IntraOpThreads), IntraOpThreads, "must not be negative (0 lets ONNX Runtime choose)");
        Require(VisionFeatureCacheBytes >= 0, nameof(VisionFeatureCacheBytes), VisionFeatureCacheBytes, "must not be negative (0 disables the cache)");
        Require(ContinuableGenerators is >= 0 and <= 64, nameof(ContinuableGenerators), ContinuableGenerators, "must be in 0..64");
        Require(ContinuationHeadroom >= 0, nameof(ContinuationHeadroom), ContinuationHeadroom, "must not be negative");
        Nested(nameof(ImageLimits), ImageLimits?.Problems().Select(p => p.Message));
        Nested(nameof(Pruning), Pruning?.Problems().Select(p => p.Message));
        return problems;

        void Require(bool ok, string name, object value, string rule)
        {
            if (!ok)
            {
                problems.Add($"MultimodalEngineOptions.{name} ({value}) {rule}.");
            }
        }

        void Nested(string name, IEnumerable<string>? nested) =>
            problems.AddRange(nested?.Select(problem => $"MultimodalEngineOptions.{name}.{problem}") ?? [$"MultimodalEngineOptions.{name} must not be null."]);
    }
}

/// <summary>Where the models run.</summary>
public enum ExecutionProvider
{
    /// <summary>The CPU (the <c>Microsoft.ML.OnnxRuntimeGenAI</c> native package).</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through CUDA (the <c>Microsoft.ML.OnnxRuntimeGenAI.Cuda</c> native package).</summary>
    Cuda,

    /// <summary>A DirectX 12 GPU on Windows through DirectML (the <c>Microsoft.ML.OnnxRuntimeGenAI.DirectML</c> native package).</summary>
    DirectML,
}
