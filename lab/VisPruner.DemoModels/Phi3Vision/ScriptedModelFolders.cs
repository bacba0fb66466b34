using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using VisPruner.Engine;

namespace VisPruner.DemoModels;

/// <summary>
/// Tiny phi3v model folders whose decoder writes chosen replies, so that tests and demos drive the real engine,
/// tokenizer, chat template and reply parser to a known answer; and the folder of the same model with random weights.
/// </summary>
/// <remarks>
/// <para>
/// A scripted decoder follows token positions (see <see cref="TinyPhi3VisionScript"/>), so one model can answer several
/// requests of a conversation: reply i starts where request i's prompt ends. Those prompt lengths depend on how a
/// framework renders the conversation so far, so
/// <see cref="WriteAsync(IReadOnlyList{string}, Func{string, Task{IReadOnlyList{int}}}, CancellationToken)"/> learns
/// them by running the caller's scenario, with the caller's framework, on models that know the earlier replies only.
/// </para>
/// <para>
/// The folders go to a temporary directory of the instance, deleted on dispose, each under a name of its own (so a model
/// id taken from the folder name tells one model's requests from another's); or, with <see cref="InCache"/>, to the
/// <see cref="DemoModelCache"/> under names made from the script, so later runs reuse them. The methods are thread-safe;
/// dispose after the last call has finished.
/// </para>
/// </remarks>
public sealed class ScriptedModelFolders : IDisposable
{
    private readonly string? _temporaryRoot;
    private readonly string? _cacheName;
    private readonly Lazy<Task<MultimodalEngine>> _tokenizer;
    private int _written;
    private int _disposed;

    /// <summary>
    /// Initializes a new instance of the <see cref="ScriptedModelFolders"/> class that writes into a new temporary
    /// directory, and writes the random model there (in a folder named <c>random</c>).
    /// </summary>
    /// <param name="options">The model every folder holds; null for the defaults. It must not hold a script.</param>
    /// <exception cref="ArgumentException">An option is out of range, or <paramref name="options"/> holds a script.</exception>
    public ScriptedModelFolders(TinyPhi3VisionOptions? options = null)
        : this(options, Path.Combine(Path.GetTempPath(), "vispruner-scripted-" + Guid.NewGuid().ToString("N")), cacheName: null)
    {
    }

    private ScriptedModelFolders(TinyPhi3VisionOptions? options, string? temporaryRoot, string? cacheName)
    {
        options ??= new TinyPhi3VisionOptions();
        options.Validate(nameof(options));
        if (options.Script is not null)
        {
            throw new ArgumentException("TinyPhi3VisionOptions.Script must be null: each folder's script comes from its replies.", nameof(options));
        }

        Options = options;
        RandomModel = TinyPhi3VisionModel.Describe(options);
        _temporaryRoot = temporaryRoot;
        _cacheName = cacheName;
        if (temporaryRoot is null)
        {
            RandomFolder = DemoModelCache.GetOrCreate(cacheName!, options);
        }
        else
        {
            RandomFolder = Path.Combine(temporaryRoot, "random");
            TinyPhi3VisionModel.Write(RandomFolder, options);
        }

        // Replies are encoded by the engine itself, so a script holds exactly the ids a request's reply is compared with.
        _tokenizer = new(() => MultimodalEngine.LoadAsync(RandomFolder));
    }

    /// <summary>Gets the model every folder holds, without its script.</summary>
    public TinyPhi3VisionOptions Options { get; }

    /// <summary>Gets the facts about the model (its vocabulary size and end-of-sequence ids, for one).</summary>
    public TinyPhi3VisionModelInfo RandomModel { get; }

    /// <summary>Gets the folder of the model with random weights and no script (it writes gibberish and never stops on its own).</summary>
    public string RandomFolder { get; }

    /// <summary>
    /// Creates an instance that keeps its folders in the <see cref="DemoModelCache"/>: the random model under
    /// <paramref name="name"/>, each scripted one under <c><paramref name="name"/>-scripted-</c> and a hash of its script.
    /// </summary>
    /// <param name="name">The cache name of the random model; change it whenever <paramref name="options"/> or the factory's output change.</param>
    /// <param name="options">The model every folder holds; null for the defaults. It must not hold a script.</param>
    /// <returns>The instance, with the random model written (unless the cache already held it).</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, an option is out of range, or <paramref name="options"/> holds a script.</exception>
    public static ScriptedModelFolders InCache(string name, TinyPhi3VisionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new ScriptedModelFolders(options, temporaryRoot: null, name);
    }

    /// <summary>Encodes <paramref name="text"/> as the model writes it (literally, without a leading BOS).</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the wait for the tokenizer (the random model, loaded on first use).</param>
    /// <returns>The token ids.</returns>
    public async Task<int[]> EncodeAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        MultimodalEngine engine = await _tokenizer.Value.WaitAsync(cancellationToken);
        return engine.EncodeText(text);
    }

    /// <summary>
    /// Writes a folder whose model answers a request whose prompt has <see cref="ScriptedReply.PromptLength"/> tokens with
    /// <see cref="ScriptedReply.Text"/> and its end token, for each of <paramref name="replies"/>. Between and after
    /// replies the model follows its random weights; a repeated entry (the same reply at the same length) is one reply.
    /// </summary>
    /// <param name="replies">The replies; with none, the folder holds the random model.</param>
    /// <param name="cancellationToken">Cancels encoding the replies.</param>
    /// <returns>The folder.</returns>
    /// <exception cref="ArgumentException">Two replies follow prompts of one length, a prompt ends inside the reply before it, or the script does not fit the model's <c>MaxLength</c>.</exception>
    public async Task<string> WriteAsync(IReadOnlyList<ScriptedReply> replies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replies);
        (TinyPhi3VisionScript? script, string? problem) = await ScriptAsync(replies, cancellationToken);
        return problem is null ? Write(script) : throw new ArgumentException(problem, nameof(replies));
    }

    /// <summary>
    /// Writes a folder whose model answers the i-th model request of a scenario with <paramref name="replies"/>[i], learning
    /// each request's prompt length by running the scenario (through <paramref name="promptLengths"/>) once per reply: on
    /// a model that knows no reply, then on models that know the replies learned so far and answer the next request from
    /// their random weights.
    /// </summary>
    /// <param name="replies">The replies, in the order of the requests they answer.</param>
    /// <param name="promptLengths">
    /// Runs the scenario on the model in the given folder and returns the prompt lengths, in tokens, of the model requests
    /// it made, in order. The scenario must make the same requests whatever folder it runs on, as long as the replies are
    /// the scripted ones: the prompt of request i may depend on replies 0..i-1 only.
    /// </param>
    /// <param name="cancellationToken">Cancels between runs and while encoding (the scenario takes its own token).</param>
    /// <returns>The folder that knows all the replies.</returns>
    /// <exception cref="ArgumentException">A reply is null, or the script does not fit the model's <c>MaxLength</c>.</exception>
    /// <exception cref="InvalidOperationException">The scenario made too few requests, or learned lengths that no script can follow (two replies at one length, a prompt that ends inside the reply before it).</exception>
    public async Task<string> WriteAsync(IReadOnlyList<string> replies, Func<string, Task<IReadOnlyList<int>>> promptLengths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replies);
        ArgumentNullException.ThrowIfNull(promptLengths);
        if (replies.Any(reply => reply is null))
        {
            throw new ArgumentException("A reply is null.", nameof(replies));
        }

        var learned = new List<ScriptedReply>();
        string folder = Write(script: null);
        for (int i = 0; i < replies.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // This model knows the replies before request i; its answer to request i comes from the random weights.
            IReadOnlyList<int> lengths = await promptLengths(folder)
                ?? throw new InvalidOperationException("The scenario returned no prompt lengths.");
            if (lengths.Count <= i)
            {
                throw new InvalidOperationException($"The scenario made {lengths.Count} model requests, but the script has a reply for request {i}.");
            }

            learned.Add(new ScriptedReply(lengths[i], replies[i]));
            (TinyPhi3VisionScript? script, string? problem) = await ScriptAsync(learned, cancellationToken);
            folder = problem is null ? Write(script) : throw new InvalidOperationException(problem);
        }

        return folder;
    }

    /// <summary>Disposes the tokenizer and, for a temporary directory, deletes it with every folder in it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_tokenizer.IsValueCreated && _tokenizer.Value.IsCompletedSuccessfully)
        {
            _tokenizer.Value.Result.Dispose();
        }

        if (_temporaryRoot is not null && Directory.Exists(_temporaryRoot))
        {
            Directory.Delete(_temporaryRoot, recursive: true);
        }
    }

    // One token sequence from the first prompt's end on: each reply and its end token, end tokens up to the next reply.
    private async Task<(TinyPhi3VisionScript? Script, string? Problem)> ScriptAsync(IReadOnlyList<ScriptedReply> replies, CancellationToken cancellationToken)
    {
        // A conversation asked twice (say, a run and then a streamed run) repeats its prompts: one script entry serves both.
        var byStart = new SortedDictionary<int, string>();
        foreach (ScriptedReply reply in replies)
        {
            ArgumentNullException.ThrowIfNull(reply, nameof(replies));
            if (byStart.TryGetValue(reply.PromptLength, out string? scripted) && scripted != reply.Text)
            {
                return (null, $"Two requests with {reply.PromptLength}-token prompts need different replies.");
            }

            byStart[reply.PromptLength] = reply.Text;
        }

        if (byStart.Count == 0)
        {
            return (null, null);
        }

        int first = byStart.Keys.First();
        int end = RandomModel.EosTokenIds[0];
        var tokens = new List<int>();
        foreach ((int promptLength, string text) in byStart)
        {
            int start = promptLength - first;
            if (start < tokens.Count)
            {
                return (null, $"A request's prompt ({promptLength} tokens) ends inside the previous scripted reply.");
            }

            tokens.AddRange(Enumerable.Repeat(end, start - tokens.Count));
            tokens.AddRange(await EncodeAsync(text, cancellationToken));
            tokens.Add(end);
        }

        return (new TinyPhi3VisionScript(first, tokens), null);
    }

    private string Write(TinyPhi3VisionScript? script)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        TinyPhi3VisionOptions options = Options with { Script = script };
        if (_temporaryRoot is null)
        {
            return script is null ? RandomFolder : DemoModelCache.GetOrCreate($"{_cacheName}-scripted-{Hash(script)}", options);
        }

        string folder = Path.Combine(_temporaryRoot, "scripted-" + Interlocked.Increment(ref _written).ToString(CultureInfo.InvariantCulture));
        TinyPhi3VisionModel.Write(folder, options);
        return folder;
    }

    private static string Hash(TinyPhi3VisionScript script)
    {
        string text = script.PromptLength.ToString(CultureInfo.InvariantCulture) + ":" +
            string.Join(',', script.Tokens.Select(t => t.ToString(CultureInfo.InvariantCulture)));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
