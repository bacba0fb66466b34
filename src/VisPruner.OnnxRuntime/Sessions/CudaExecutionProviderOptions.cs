namespace VisPruner.OnnxRuntime;

/// <summary>Runs a session on an NVIDIA GPU through ONNX Runtime's CUDA execution provider (V2 options).</summary>
/// <remarks>Needs a native library built with CUDA, such as the one in the Microsoft.ML.OnnxRuntime.Gpu NuGet package.</remarks>
public sealed class CudaExecutionProviderOptions
{
    /// <summary>The CUDA device ordinal.</summary>
    public int DeviceId { get; set; }

    /// <summary>Further provider options by their ONNX Runtime names, e.g. <c>gpu_mem_limit</c>, <c>cudnn_conv_algo_search</c>.</summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
