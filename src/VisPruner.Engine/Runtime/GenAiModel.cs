using System.Globalization;
using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.ModelFolders;

namespace VisPruner.Engine.Runtime;

/// <summary>
/// A model folder loaded into ONNX Runtime GenAI with the pruning hook: the folder's embedding and decoder as published,
/// its vision model replaced by <see cref="VisionStub"/>. Also holds the folder's tokenizer twice, because an option
/// update must not overlap encoding: one instance parses special tokens (template markup), the other encodes literally
/// (message text), so a user can never type a control token.
/// </summary>
internal sealed class GenAiModel : IDisposable
{
    private readonly Tokenizer _markup;
    private readonly Tokenizer _literal;

    private readonly int _replyLeadingSpaces;

    private GenAiModel(string folder, Model model, VisionStub stub, Tokenizer markup, Tokenizer literal, int[] prefix, int replyLeadingSpaces)
    {
        Folder = folder;
        Model = model;
        Stub = stub;
        _markup = markup;
        _literal = literal;
        Prefix = prefix;
        _replyLeadingSpaces = replyLeadingSpaces;
    }

    public string Folder { get; }

    public Model Model { get; }

    /// <summary>Gets the stand-in for the folder's vision model, which feeds a generator the kept image rows.</summary>
    public VisionStub Stub { get; }

    /// <summary>Gets the ids the tokenizer puts before a whole text (the BOS token for Phi-3.5), empty when none.</summary>
    public int[] Prefix { get; }

    /// <summary>Loads <paramref name="folder"/> with the stub in place of its vision model.</summary>
    /// <exception cref="ModelFolderException">ONNX Runtime GenAI rejects the folder (its message is kept).</exception>
    /// <exception cref="NotSupportedException">The execution provider is missing from the native build.</exception>
    public static GenAiModel Load(string folder, GenAiConfig config, MultimodalEngineOptions options)
    {
        VisionConfig vision = config.Model.Vision
            ?? throw new ModelFolderException(GenAiConfig.FileName, "model.vision", $"is missing; {config.Model.Type} folders have a vision model.");
        var stub = new VisionStub(vision.ImageFeaturesName, config.Model.Decoder.HiddenSize, ModelFamilies.RequireSupported(config).ImageFeaturesRank(folder, config));
        Model? model = null;
        Tokenizer? markup = null;
        Tokenizer? literal = null;
        try
        {
            using (var genAiConfig = new Config(folder))
            {
                genAiConfig.Overlay(stub.Overlay);
                if (options.IntraOpThreads > 0)
                {
                    genAiConfig.Overlay(
                        "{\"model\":{\"decoder\":{\"session_options\":{\"intra_op_num_threads\":" + options.IntraOpThreads.ToString(CultureInfo.InvariantCulture) + "}}}}");
                }

                ExecutionProviderSetup.Apply(genAiConfig, options);
                genAiConfig.AddModelData(VisionStub.FileName, stub.Build());
                model = new Model(genAiConfig);
                genAiConfig.RemoveModelData(VisionStub.FileName);
            }

            markup = new Tokenizer(model);
            literal = new Tokenizer(model);
            literal.UpdateOptions(new Dictionary<string, string> { ["literal"] = "true" });
            int[] prefix = PrefixOf(markup);
            WarmUp(model, stub, config);
            int leadingSpaces = ReadLeadingSpaces(folder);
            return new GenAiModel(folder, model, stub, markup, literal, prefix, leadingSpaces);
        }
        catch (OnnxRuntimeGenAIException ex)
        {
            literal?.Dispose();
            markup?.Dispose();
            model?.Dispose();
            throw GenAiErrors.Rejected(folder, ex, options.ExecutionProvider);
        }
    }

    /// <summary>Encodes template markup: special-token strings become control tokens.</summary>
    public int[] EncodeMarkup(string text) => Encode(_markup, text);

    /// <summary>Encodes message text literally: special-token strings stay text.</summary>
    /// <exception cref="ArgumentException">The text holds a NUL character (the native API takes C strings) or cannot be encoded.</exception>
    public int[] EncodeContent(string text) => Encode(_literal, text);

    /// <summary>Creates the text decoder of one reply, which gives the tokens of <paramref name="tags"/> (none when null) their text.</summary>
    public ReplyDecoder CreateReplyDecoder(IReadOnlyDictionary<int, string>? tags = null) =>
        new(_markup.CreateStream(), _replyLeadingSpaces, tags ?? new Dictionary<int, string>());

    public void Dispose()
    {
        _literal.Dispose();
        _markup.Dispose();
        Model.Dispose();
    }

    private static int[] Encode(Tokenizer tokenizer, string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Message text must not contain NUL characters.", nameof(text));
        }

        try
        {
            using Sequences sequences = tokenizer.Encode(text);
            return sequences[0].ToArray();
        }
        catch (OnnxRuntimeGenAIException ex)
        {
            throw new ArgumentException($"The tokenizer cannot encode the message text: {ex.Message}", nameof(text), ex);
        }
    }

    // A prompt token and one generated token through the embedding and the decoder (the second run reads the key/value
    // cache): whatever GenAI would reject at the first request (tensor names, head counts and sizes that disagree with the
    // configuration) is reported at load instead.
    private static void WarmUp(Model model, VisionStub stub, GenAiConfig config)
    {
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", 3);
        using var generator = new Generator(model, parameters);
        using Generation.PinnedInputs? pins = stub.Feed(generator, [], []);
        generator.AppendTokens([config.Model.BosTokenId]);
        generator.GenerateNextToken();
        generator.GenerateNextToken();
    }

    private static int ReadLeadingSpaces(string folder)
    {
        try
        {
            return ReplyDecoder.LeadingSpacesOf(Path.Combine(folder, ConfiguredFile.TokenizerFileName));
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ModelFolderException(ConfiguredFile.TokenizerFileName, null, $"is not valid JSON ({ex.Message}).", ex);
        }
    }

    // What the tokenizer puts before a text when asked to (BOS for Llama-style tokenizers): encode nothing with it on.
    private static int[] PrefixOf(Tokenizer tokenizer)
    {
        tokenizer.UpdateOptions(new Dictionary<string, string> { ["add_special_tokens"] = "true" });
        try
        {
            using Sequences sequences = tokenizer.Encode(string.Empty);
            return sequences[0].ToArray();
        }
        finally
        {
            tokenizer.UpdateOptions(new Dictionary<string, string> { ["add_special_tokens"] = "false" });
        }
    }
}
