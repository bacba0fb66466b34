using VisPruner.Engine;
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
/// Tiny phi3v model folders for the run: one with random weights, and scripted ones whose decoder writes chosen replies.
/// A scripted decoder follows token positions, so one model can answer several requests of a conversation: reply i
/// starts where request i's prompt ends. Those prompt lengths depend on how a framework renders the conversation so far,
/// so <see cref="RunAsync"/> learns them by running the scenario itself on models that know the earlier replies only.
/// </summary>
public sealed class ScriptedModels : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vispruner-integration-" + Guid.NewGuid().ToString("N"));
    private MultimodalEngine? _random;
    private int _written;
    private int _endId;

    /// <summary>Gets the model with random weights (it writes gibberish: ask it for a token or two).</summary>
    public ScriptedModel Random => new(Path.Combine(_root, "random"), "random");

    /// <summary>Gets a real PNG photo of a house (640 x 420).</summary>
    public static string HouseImage => Path.Combine(AppContext.BaseDirectory, "images", "house.png");

    public async Task InitializeAsync()
    {
        _endId = TinyPhi3VisionModel.Write(Random.Folder).EosTokenIds[0];
        _random = await MultimodalEngine.LoadAsync(Random.Folder);
    }

    public Task DisposeAsync()
    {
        _random?.Dispose();
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> on a model that answers its i-th request with <paramref name="replies"/>[i].
    /// </summary>
    /// <returns>What the scenario returned, and the requests the model served while it ran.</returns>
    public async Task<(T Result, IReadOnlyList<ModelRequest> Requests)> RunAsync<T>(IReadOnlyList<string> replies, Func<ScriptedModel, Task<T>> scenario)
    {
        var turns = new List<(int PromptLength, string Reply)>();
        for (int i = 0; i < replies.Count; i++)
        {
            // This model knows the replies before request i and answers request i (and any later one) with nothing.
            (_, IReadOnlyList<ModelRequest> probed) = await RecordAsync(Write(turns), scenario);
            if (probed.Count <= i)
            {
                throw new InvalidOperationException($"The scenario made {probed.Count} model requests, but the script has a reply for request {i}.");
            }

            turns.Add((probed[i].PromptTokens, replies[i]));
        }

        return await RecordAsync(Write(turns), scenario);
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
        var copy = new ScriptedModel(Path.Combine(_root, id), id);
        Directory.CreateDirectory(copy.Folder);
        foreach (string file in Directory.GetFiles(Random.Folder))
        {
            File.Copy(file, Path.Combine(copy.Folder, Path.GetFileName(file)), overwrite: true);
        }

        return copy;
    }

    /// <summary>The number of tokens <paramref name="text"/> has when the model writes it.</summary>
    public int TokenCount(string text) => Encode(text).Length;

    private ScriptedModel Write(IReadOnlyList<(int PromptLength, string Reply)> turns)
    {
        // A conversation asked twice (say, a run and then a streamed run) repeats its prompts: one script entry serves both.
        var byStart = new SortedDictionary<int, string>();
        foreach ((int promptLength, string reply) in turns)
        {
            if (byStart.TryGetValue(promptLength, out string? scripted) && scripted != reply)
            {
                throw new InvalidOperationException($"Two requests with {promptLength}-token prompts need different replies.");
            }

            byStart[promptLength] = reply;
        }

        int first = byStart.Count > 0 ? byStart.Keys.First() : 1;
        var tokens = new List<int>();
        foreach ((int promptLength, string reply) in byStart)
        {
            int start = promptLength - first;
            if (start < tokens.Count)
            {
                throw new InvalidOperationException($"A request's prompt ({promptLength} tokens) ends inside the previous scripted reply.");
            }

            tokens.AddRange(Enumerable.Repeat(_endId, start - tokens.Count));
            tokens.AddRange(Encode(reply));
            tokens.Add(_endId);
        }

        int number = Interlocked.Increment(ref _written);
        var model = new ScriptedModel(Path.Combine(_root, "scripted-" + number), "scripted-" + number);
        TinyPhi3VisionModel.Write(model.Folder, new TinyPhi3VisionOptions { Script = new TinyPhi3VisionScript(first, tokens) });
        return model;
    }

    private int[] Encode(string text) =>
        (_random ?? throw new InvalidOperationException("The fixture is not initialized.")).EncodeText(text);
}

[CollectionDefinition(Name)]
public sealed class ScriptedModelsGroup : ICollectionFixture<ScriptedModels>
{
    public const string Name = "scripted models";
}
