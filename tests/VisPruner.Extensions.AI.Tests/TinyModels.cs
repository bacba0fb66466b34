using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using VisPruner.DemoModels;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Tests;

/// <summary>
/// Clients on the run's tiny phi3v models (see <see cref="ScriptedModelFolders"/>): the one with random weights, and
/// scripted ones that answer a request with a chosen reply, so tests can drive the real engine, tokenizer, template and
/// parser to a known answer.
/// </summary>
public sealed class TinyModels : IDisposable
{
    private readonly ScriptedModelFolders _folders = new();
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "vispruner-connector-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentDictionary<(int, string, bool), Lazy<Task<VisPrunerChatClient>>> _scripted = new();
    private readonly Lazy<Task<VisPrunerChatClient>> _random;

    public TinyModels() =>
        _random = new(() => VisPrunerChatClient.LoadAsync(new VisPrunerChatClientOptions { ModelFolder = RandomFolder, StructuredOutput = SmallLimits }));

    /// <summary>Structured-output limits whose longest free-form JSON object fits the demo model's context.</summary>
    public static StructuredOutputLimits SmallLimits { get; } = new() { MaxStringLength = 32, MaxObjectEntries = 4 };

    /// <summary>Gets the folder of the model with random weights.</summary>
    public string RandomFolder => _folders.RandomFolder;

    /// <summary>Gets a client on the random model, shared by all tests (it is thread-safe).</summary>
    public Task<VisPrunerChatClient> RandomClientAsync() => _random.Value;

    /// <summary>A scratch folder that is deleted after the run.</summary>
    public string NewFolder()
    {
        string folder = Path.Combine(_scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// A client whose model answers <paramref name="messages"/> (with <paramref name="options"/>) by writing
    /// <paramref name="reply"/>. The prompt length is measured by running the same request on the random model.
    /// </summary>
    public async Task<VisPrunerChatClient> ScriptedClientAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, string reply, bool constrainReplies = true)
    {
        int promptLength = await PromptLengthAsync(messages, options);
        return await _scripted.GetOrAdd((promptLength, reply, constrainReplies), key => new(() => LoadScriptedAsync(key.Item1, key.Item2, key.Item3))).Value;
    }

    /// <summary>
    /// A new model folder whose model answers <paramref name="messages"/> (with <paramref name="options"/>) by writing
    /// <paramref name="reply"/>, for tests that load the model themselves; its name, the model's default id, is unique.
    /// </summary>
    public async Task<string> ScriptedFolderAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, string reply) =>
        await _folders.WriteAsync([new ScriptedReply(await PromptLengthAsync(messages, options), reply)]);

    /// <summary>The prompt length, in tokens, of a request.</summary>
    public async Task<int> PromptLengthAsync(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ChatOptions measure = options?.Clone() ?? new ChatOptions();
        measure.MaxOutputTokens = 1;
        ChatResponse response = await (await RandomClientAsync()).GetResponseAsync(messages, measure);
        return checked((int)response.Usage!.InputTokenCount!.Value);
    }

    public void Dispose()
    {
        foreach (Lazy<Task<VisPrunerChatClient>> client in _scripted.Values.Append(_random))
        {
            if (client.IsValueCreated && client.Value.IsCompletedSuccessfully)
            {
                client.Value.Result.Dispose();
            }
        }

        _folders.Dispose();
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    private async Task<VisPrunerChatClient> LoadScriptedAsync(int promptLength, string reply, bool constrainReplies)
    {
        string folder = await _folders.WriteAsync([new ScriptedReply(promptLength, reply)]);
        return await VisPrunerChatClient.LoadAsync(new VisPrunerChatClientOptions { ModelFolder = folder, ModelId = "scripted", ConstrainReplies = constrainReplies });
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelsGroup : ICollectionFixture<TinyModels>
{
    public const string Name = "tiny models";
}
