using VisPruner.Engine.Generation;
using VisPruner.DemoModels;

namespace VisPruner.SemanticKernel.IntegrationTests.StructuredOutput;

/// <summary>
/// The two kinds of model a constrained reply must finish on: random weights, which never choose to stop, and the
/// trained demo model, which never saw JSON or a tool. Both with a long context, so that the longest reply the test's
/// limits admit fits, and small limits, so that the many replies of a property test stay quick.
/// </summary>
public sealed class StructuredOutputModels : IAsyncLifetime
{
    public const int ContextLength = 16384;

    /// <summary>The limits every client here applies.</summary>
    public static readonly StructuredOutputLimits Limits = new()
    {
        MaxStringLength = 12,
        MaxArrayItems = 3,
        MaxObjectEntries = 3,
        MaxToolCalls = 3,
        MaxReferenceDepth = 2,
    };

    private readonly string _root = Path.Combine(Path.GetTempPath(), "vispruner-structured-" + Guid.NewGuid().ToString("N"));

    public VisPrunerChatClient Random { get; private set; } = null!;

    public VisPrunerChatClient Trained { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string random = Path.Combine(_root, "random");
        TinyPhi3VisionModel.Write(random, new TinyPhi3VisionOptions { ContextLength = ContextLength, MaxLength = ContextLength });
        Random = await LoadAsync(random, "random");

        using var source = new TrainedModelFolder();
        string trained = Path.Combine(_root, "trained");
        TinyPhi3VisionModel.Write(trained, source.Options with { ContextLength = ContextLength, MaxLength = ContextLength });
        Trained = await LoadAsync(trained, "trained");
    }

    public Task DisposeAsync()
    {
        Random?.Dispose();
        Trained?.Dispose();
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    private static Task<VisPrunerChatClient> LoadAsync(string folder, string id)
    {
        var options = new VisPrunerChatClientOptions { ModelFolder = folder, ModelId = id, StructuredOutput = Limits };
        return VisPrunerChatClient.LoadAsync(options);
    }
}
