using VisPruner.Engine.Runtime;

namespace VisPruner.Engine.Tests.Runtime;

/// <summary>
/// The provider reaches both native runtimes. No GPU exists here, so CUDA and DirectML are checked as plumbing: the
/// settings GenAI receives, and the clear error a CPU-only build gives.
/// </summary>
public sealed class ExecutionProviderTests(TinyModelFixture models) : IClassFixture<TinyModelFixture>
{
    [Theory]
    [InlineData(ExecutionProvider.Cuda, "cuda", 1)]
    [InlineData(ExecutionProvider.DirectML, "dml", 2)]
    public void GPU_providers_reach_ONNX_Runtime_GenAI_with_their_device(ExecutionProvider provider, string name, int device)
    {
        (string Name, IReadOnlyDictionary<string, string> Options)? setup = ExecutionProviderSetup.GenAiProvider(
            new MultimodalEngineOptions { ExecutionProvider = provider, DeviceId = device });

        Assert.Equal(name, setup!.Value.Name);
        Assert.Equal(device.ToString(System.Globalization.CultureInfo.InvariantCulture), setup.Value.Options["device_id"]);
        Assert.Null(ExecutionProviderSetup.GenAiProvider(new MultimodalEngineOptions()));
    }

    [Theory]
    [InlineData(ExecutionProvider.Cuda, "Microsoft.ML.OnnxRuntimeGenAI.Cuda")]
    [InlineData(ExecutionProvider.DirectML, "Microsoft.ML.OnnxRuntimeGenAI.DirectML")]
    public async Task A_GPU_provider_missing_from_the_native_build_is_a_clear_error_naming_its_package(ExecutionProvider provider, string package)
    {
        var ex = await Assert.ThrowsAsync<NotSupportedException>(
            () => MultimodalEngine.LoadAsync(models.GrowingKvFolder, new MultimodalEngineOptions { ExecutionProvider = provider }));

        Assert.Contains(package, ex.Message, StringComparison.Ordinal);
        Assert.Contains(provider.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(MultimodalEngineOptions.DeviceId))]
    [InlineData(nameof(MultimodalEngineOptions.IntraOpThreads))]
    [InlineData(nameof(MultimodalEngineOptions.ContinuableGenerators))]
    [InlineData(nameof(MultimodalEngineOptions.ExecutionProvider))]
    public async Task Out_of_range_options_are_refused_before_loading(string property)
    {
        MultimodalEngineOptions options = property switch
        {
            nameof(MultimodalEngineOptions.DeviceId) => new() { DeviceId = -1 },
            nameof(MultimodalEngineOptions.IntraOpThreads) => new() { IntraOpThreads = -2 },
            nameof(MultimodalEngineOptions.ContinuableGenerators) => new() { ContinuableGenerators = -1 },
            _ => new() { ExecutionProvider = (ExecutionProvider)42 },
        };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => MultimodalEngine.LoadAsync(models.GrowingKvFolder, options));
        Assert.Equal("options", ex.ParamName);
        Assert.Contains($"MultimodalEngineOptions.{property} (", ex.Message, StringComparison.Ordinal);
    }
}
