using VisPruner.DemoModels;

namespace VisPruner.CopilotServer.Tests.Infrastructure;

/// <summary>A server on the tiny model with random weights (gibberish, but real decoding): ask it for a few tokens.</summary>
public sealed class RandomModelServer : IAsyncLifetime
{
    public const string ModelName = "random";

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "vispruner-copilot-" + Guid.NewGuid().ToString("N"));

    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // A long context, for requests that hold the engine for seconds (Requests.Endless).
        TinyPhi3VisionModel.Write(Folder, new TinyPhi3VisionOptions { ContextLength = 65536, MaxLength = 65536 });
        Server = await StartAsync();
    }

    /// <summary>Another server on the same folder, with further settings (<c>Section:Key=value</c>).</summary>
    public Task<TestServer> StartAsync(params string[] settings) => TestServer.StartAsync(Folder, ModelName, settings);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>A server on the trained demo model, which answers the scene questions of training/README.md.</summary>
public sealed class TrainedModelServer : IAsyncLifetime, IDisposable
{
    public const string ModelName = "fashion";

    private readonly TrainedModelFolder _folder = new();

    /// <summary>Gets the example scene: the right answer to "What colour is the sneaker?" is yellow.</summary>
    public static byte[] FashionScene { get; } = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "images", "fashion-scene.png"));

    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(_folder.Path, ModelName);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public void Dispose() => _folder.Dispose();
}
