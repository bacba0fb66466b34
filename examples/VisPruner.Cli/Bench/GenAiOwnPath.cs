using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.ModelFolders;

namespace VisPruner.Cli.Bench;

/// <summary>
/// What a user of ONNX Runtime GenAI runs without this library, for any family: its <see cref="MultiModalProcessor"/> on
/// the image and the family's prompt, <see cref="Generator.SetInputs"/>, then greedy tokens. Its processor follows the
/// folder's settings, except phi3v's, where it always applies the 16-crop HD transform.
/// </summary>
internal sealed class GenAiOwnPath(string folder, string imagePath, int answerTokens) : IDisposable
{
    // The configuration first: a folder that is not one gets its clear error before GenAI's.
    private readonly ModelConfig _config = GenAiConfig.Load(Path.Combine(folder, GenAiConfig.FileName)).Model;
    private readonly Model _model = new(folder);

    /// <summary>
    /// The prompt such a user writes for one image and <paramref name="question"/>: the family's chat template (the
    /// engine's, which its conformance tests hold to the family's own), preceded by the tokens the folder's tokenizer puts
    /// before a text (phi3v's BOS) unless the template writes them itself, since GenAI's processor adds none.
    /// </summary>
    public string PromptFor(IChatTemplate template, string question)
    {
        string prompt = template.Render([new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart(question)])]).Text;
        using var tokenizer = new Tokenizer(_model);
        int[] ids;
        using (Sequences encoded = tokenizer.Encode(prompt))
        {
            ids = encoded[0].ToArray();
        }

        tokenizer.UpdateOptions(new Dictionary<string, string> { ["add_special_tokens"] = "true" });
        using Sequences prefix = tokenizer.Encode(string.Empty);
        return ids.AsSpan().StartsWith(prefix[0]) ? prompt : string.Concat(prefix[0].ToArray().Select(SpecialTokenText)) + prompt;
    }

    public BenchSample Run(string prompt)
    {
        using var processor = new MultiModalProcessor(_model);
        var clock = Stopwatch.StartNew();
        using Images images = Images.Load([imagePath]);
        using NamedTensors inputs = processor.ProcessImages(prompt, images);
        TimeSpan preprocessing = clock.Elapsed;

        using var parameters = new GeneratorParams(_model);
        parameters.SetSearchOption("max_length", _config.ContextLength);
        parameters.SetSearchOption("min_length", _config.ContextLength); // no end-of-sequence: every row generates the same number of tokens
        using var generator = new Generator(_model, parameters);
        generator.SetInputs(inputs);
        long[] ids;
        using (Tensor inputIds = generator.GetInput("input_ids"))
        {
            ids = inputIds.GetData<long>().ToArray();
        }

        generator.GenerateNextToken(); // with SetInputs: vision encoder, embedding and prefill, then the first token
        TimeSpan firstToken = clock.Elapsed;
        for (int i = 1; i < answerTokens; i++)
        {
            generator.GenerateNextToken();
        }

        double decodeSeconds = (clock.Elapsed - firstToken).TotalSeconds;
        int visual = VisualTokens(ids);
        DecoderConfig decoder = _config.Decoder;
        long kvBytesPerToken = 2L * decoder.NumHiddenLayers * decoder.NumKeyValueHeads * decoder.HeadSize * sizeof(float);
        return new BenchSample(
            BenchCommand.CropsOf(_config.Type, visual), visual, ids.Length, firstToken.TotalMilliseconds, preprocessing.TotalMilliseconds, double.NaN,
            (firstToken - preprocessing).TotalMilliseconds, (answerTokens - 1) / decodeSeconds, kvBytesPerToken * (ids.Length + answerTokens));
    }

    public void Dispose() => _model.Dispose();

    /// <summary>The text of a special token, from the folder's <c>tokenizer.json</c> (GenAI decodes special tokens to nothing).</summary>
    private string SpecialTokenText(int id)
    {
        string path = Path.Combine(folder, "tokenizer.json");
        using JsonDocument tokenizer = JsonDocument.Parse(File.ReadAllBytes(path));
        return tokenizer.RootElement.GetProperty("added_tokens").EnumerateArray()
            .Where(token => token.GetProperty("id").GetInt32() == id)
            .Select(token => token.GetProperty("content").GetString())
            .FirstOrDefault() ?? throw new InvalidDataException($"{path}: added_tokens has no token {id}, which the tokenizer puts before every text.");
    }

    /// <summary>
    /// The image's placeholders in the processor's ids: every family repeats one id for each visual token (phi3v a
    /// negative one, phi4mm 200010, gemma3 262144), so in a one-image prompt it is the id the prompt holds most often.
    /// </summary>
    private static int VisualTokens(long[] ids) => ids.CountBy(id => id).Max(group => group.Value);
}
