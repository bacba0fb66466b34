using VisPruner.DemoModels;

namespace VisPruner.SemanticKernel.IntegrationTests.Infrastructure;

/// <summary>A generated model folder and the model id it reports.</summary>
public sealed record ScriptedModel(string Folder, string Id)
{
    /// <summary>Points connector options at this model.</summary>
    public void Configure(VisPrunerChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ModelFolder = Folder;
        options.ModelId = Id;
    }
}

/// <summary>
/// The run's tiny phi3v models (see <see cref="ScriptedModelFolders"/>), as models whose id is their folder's name: the id
/// the connector reports when a scenario gives it only the folder, and under which <see cref="ModelRequests"/> records.
/// </summary>
public sealed class ScriptedModels : IDisposable
{
    private readonly ScriptedModelFolders _folders = new();

    /// <summary>Gets the model with random weights (it writes gibberish: ask it for a token or two).</summary>
    public ScriptedModel Random => Model(_folders.RandomFolder);

    /// <summary>Gets a real PNG photo of a house (640 x 420).</summary>
    public static string HouseImage => Path.Combine(AppContext.BaseDirectory, "images", "house.png");

    public void Dispose() => _folders.Dispose();

    /// <summary>
    /// Runs <paramref name="scenario"/> on a model that answers its i-th request with <paramref name="replies"/>[i], having
    /// run it first on models that know the earlier replies only, to learn where each request's prompt ends.
    /// </summary>
    /// <returns>What the scenario returned, and the requests the model served while it ran.</returns>
    public async Task<(T Result, IReadOnlyList<ModelRequest> Requests)> RunAsync<T>(IReadOnlyList<string> replies, Func<ScriptedModel, Task<T>> scenario)
    {
        string folder = await _folders.WriteAsync(replies, async probe =>
            [.. (await RecordAsync(Model(probe), scenario)).Requests.Select(request => request.PromptTokens)]);
        return await RecordAsync(Model(folder), scenario);
    }

    /// <summary>Runs <paramref name="scenario"/> on <paramref name="model"/>.</summary>
    /// <returns>What the scenario returned, and the requests the model served while it ran.</returns>
    public static async Task<(T Result, IReadOnlyList<ModelRequest> Requests)> RecordAsync<T>(ScriptedModel model, Func<ScriptedModel, Task<T>> scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        using var requests = new ModelRequests(model.Id);
        T result = await scenario(model);
        return (result, requests.All);
    }

    /// <summary>A second model folder with the random weights, reporting <paramref name="id"/>.</summary>
    public ScriptedModel RandomCopy(string id)
    {
        var copy = new ScriptedModel(Path.Combine(Path.GetDirectoryName(_folders.RandomFolder)!, id), id);
        Directory.CreateDirectory(copy.Folder);
        foreach (string file in Directory.GetFiles(_folders.RandomFolder))
        {
            File.Copy(file, Path.Combine(copy.Folder, Path.GetFileName(file)), overwrite: true);
        }

        return copy;
    }

    /// <summary>The number of tokens <paramref name="text"/> has when the model writes it.</summary>
    public async Task<int> TokenCountAsync(string text) => (await _folders.EncodeAsync(text)).Length;

    private static ScriptedModel Model(string folder) => new(folder, Path.GetFileName(folder));
}

[CollectionDefinition(Name)]
public sealed class ScriptedModelsGroup : ICollectionFixture<ScriptedModels>
{
    public const string Name = "scripted models";
}
