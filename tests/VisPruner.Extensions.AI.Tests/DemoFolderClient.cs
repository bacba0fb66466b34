namespace VisPruner.Extensions.AI.Tests;

/// <summary>
/// A client on a demo folder of one model family (random weights), written when the fixture is made and shared by a test
/// class; the folder goes with the fixture.
/// </summary>
public abstract class DemoFolderClient : IDisposable
{
    private readonly string _folder;
    private readonly Lazy<Task<VisPrunerChatClient>> _client;

    /// <param name="family">The family, in the folder's name.</param>
    /// <param name="write">Writes the demo folder.</param>
    protected DemoFolderClient(string family, Action<string> write)
    {
        _folder = Path.Combine(Path.GetTempPath(), $"vispruner-{family}-tools-" + Guid.NewGuid().ToString("N"));
        write(_folder);
        _client = new(() => VisPrunerChatClient.LoadAsync(new VisPrunerChatClientOptions { ModelFolder = _folder, StructuredOutput = TinyModels.SmallLimits }));
    }

    public Task<VisPrunerChatClient> ClientAsync() => _client.Value;

    public void Dispose()
    {
        if (_client.IsValueCreated && _client.Value.IsCompletedSuccessfully)
        {
            _client.Value.Result.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
