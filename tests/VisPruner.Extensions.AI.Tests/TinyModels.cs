using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using VisPruner.DemoModels;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Tests;

/// <summary>
/// Tiny phi3v model folders for the whole test run: one with random weights, and scripted ones whose decoder writes a
/// chosen reply after a prompt of a given length, so tests can drive the real engine, tokenizer, template and parser
/// to a known answer.
/// </summary>
public sealed class TinyModels : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vispruner-connector-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentDictionary<(int, string, bool), Lazy<Task<VisPrunerChatClient>>> _scripted = new();
    private readonly Lazy<Task<VisPrunerChatClient>> _random;

    public TinyModels()
    {
        RandomFolder = Path.Combine(_root, "random");
        TinyPhi3VisionModel.Write(RandomFolder);
        // Limits that keep the longest constrained reply within the demo model's 4096-token context.
        _random = new(() => VisPrunerChatClient.LoadAsync(new VisPrunerChatClientOptions { ModelFolder = RandomFolder, StructuredOutput = SmallLimits }));
    }

    /// <summary>Structured-output limits whose longest free-form JSON object fits the demo model's context.</summary>
    public static StructuredOutputLimits SmallLimits { get; } = new() { MaxStringLength = 32, MaxObjectEntries = 4 };

    /// <summary>Gets the folder of the model with random weights.</summary>
    public string RandomFolder { get; }

    /// <summary>Gets a client on the random model, shared by all tests (it is thread-safe).</summary>
    public Task<VisPrunerChatClient> RandomClientAsync() => _random.Value;

    /// <summary>A scratch folder that is deleted after the run.</summary>
    public string NewFolder()
    {
        string folder = Path.Combine(_root, "scratch-" + Guid.NewGuid().ToString("N"));
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
        await WriteScriptedAsync(await PromptLengthAsync(messages, options), reply);

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

        Directory.Delete(_root, recursive: true);
    }

    private async Task<VisPrunerChatClient> LoadScriptedAsync(int promptLength, string reply, bool constrainReplies)
    {
        string folder = await WriteScriptedAsync(promptLength, reply);
        return await VisPrunerChatClient.LoadAsync(new VisPrunerChatClientOptions { ModelFolder = folder, ModelId = "scripted", ConstrainReplies = constrainReplies });
    }

    private async Task<string> WriteScriptedAsync(int promptLength, string reply)
    {
        VisPrunerChatClient random = await RandomClientAsync();
        int[] tokens = random.Engine.EncodeText(reply);
        string folder = Path.Combine(_root, "scripted-" + Guid.NewGuid().ToString("N"));
        TinyPhi3VisionModel.Write(folder, new TinyPhi3VisionOptions { Script = new TinyPhi3VisionScript(promptLength, tokens) });
        return folder;
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelsGroup : ICollectionFixture<TinyModels>
{
    public const string Name = "tiny models";
}
