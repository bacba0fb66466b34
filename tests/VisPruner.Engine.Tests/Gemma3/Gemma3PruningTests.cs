using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Families;
using VisPruner.Engine.Gemma3;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.Runtime;
using VisPruner.Engine.Tests.Conformance;
using VisPruner.Imaging.Gemma3;
using Xunit.Abstractions;

namespace VisPruner.Engine.Tests.Gemma3;

/// <summary>
/// Pruned gemma3 requests: K kept soft tokens per image reach GenAI as K x 262144 between <c>&lt;start_of_image&gt;</c> and
/// <c>&lt;end_of_image&gt;</c>, <c>num_image_tokens</c> = [K] and a stub output of K rows per image (of the rank the folder
/// declares), and the run is the run of a prompt in which only those rows ever existed.
/// </summary>
public sealed class Gemma3PruningTests(Gemma3Folder folder, ITestOutputHelper output) : IClassFixture<Gemma3Folder>
{
    private const int Tokens = 8;
    private const int BeginImage = 255999, EndImage = 256000;

    private static GenerationRequest Ask(int images, VisualTokenPruningOptions pruning) => new(
        [new ChatTurn(TurnRole.System, "You describe pictures."), new ChatTurn(TurnRole.User, [.. Enumerable.Repeat<ChatPart>(new ImagePart(), images), new TextPart("What is shown?")])],
        [.. Enumerable.Range(0, images).Select(i => ImageInput.FromBytes(TestImages.Bmp(640 - (200 * i), 480, variant: 5 + i)))],
        new GenerationOptions { MaxNewTokens = Tokens, Pruning = pruning });

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public async Task A_pruned_request_has_K_placeholders_and_K_rows_per_image_and_reports_K_of_256(int rank)
    {
        var pruning = new VisualTokenPruningOptions { TokensPerImage = 64 };
        string path = folder.Of($"rank{rank}");
        GenAiConfig config = GenAiConfig.Load(Path.Combine(path, GenAiConfig.FileName));
        var options = new MultimodalEngineOptions();
        using (GenAiModel model = GenAiModel.Load(path, config, options))
        using (IMultimodalPipeline pipeline = await ModelFamilies.LoadAsync(path, config, model, options, NullLogger.Instance, CancellationToken.None))
        {
            PreparedPrompt prompt = await PrepareAsync(pipeline, config, Ask(2, pruning));
            Assert.Equal([64L, 64], prompt.ImageTokenCounts);
            Assert.Equal(128 * config.Model.Decoder.HiddenSize, prompt.ImageFeatures.Length);

            // Each image: <start_of_image>, its 64 placeholders, <end_of_image>.
            int[] ids = prompt.InputIds;
            int[] begins = [.. Enumerable.Range(0, ids.Length).Where(i => ids[i] == BeginImage)];
            Assert.Equal(2, begins.Length);
            Assert.All(begins, b => Assert.Equal([.. Enumerable.Repeat(Gemma3FolderChecks.SoftTokenId, 64), EndImage], ids[(b + 1)..(b + 66)]));
            Assert.Equal(128, ids.Count(id => id == Gemma3FolderChecks.SoftTokenId));
        }

        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(path);
        GenerationResult pruned = await engine.CompleteAsync(Ask(2, pruning));
        GenerationResult full = await engine.CompleteAsync(Ask(2, VisualTokenPruningOptions.Disabled));

        output.WriteLine($"rank {rank}: pruned {pruned.Statistics.VisualTokens} of {pruned.Statistics.VisualTokensBeforePruning} visual tokens, prompt {pruned.Statistics.PromptTokens} " +
            $"tokens, prefill {pruned.Statistics.PrefillTime.TotalMilliseconds:F0} ms; unpruned prompt {full.Statistics.PromptTokens} tokens, prefill {full.Statistics.PrefillTime.TotalMilliseconds:F0} ms");
        Assert.Equal((128, 512), (pruned.Statistics.VisualTokens, pruned.Statistics.VisualTokensBeforePruning));
        Assert.All(pruned.Statistics.Images, image => Assert.Equal((64, 256), (image.VisualTokens, image.VisualTokensBeforePruning)));
        Assert.Equal(full.Statistics.PromptTokens - 512 + 128, pruned.Statistics.PromptTokens);
        Assert.True(pruned.Statistics.PeakKvCacheBytes < full.Statistics.PeakKvCacheBytes);
    }

    [Theory]
    [InlineData(3, 1, VisualTokenSelectorKind.VisPruner)]
    [InlineData(3, 2, VisualTokenSelectorKind.VisPruner)]
    [InlineData(2, 2, VisualTokenSelectorKind.Uniform)]
    public async Task A_pruned_run_equals_a_prompt_in_which_only_the_kept_rows_ever_existed(int rank, int images, VisualTokenSelectorKind selector)
    {
        var pruning = new VisualTokenPruningOptions { Selector = selector, TokensPerImage = 40 };
        string path = folder.Of($"rank{rank}");
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(path);
        GenerationRequest request = Ask(images, pruning);
        GenerationResult result = await engine.CompleteAsync(request);

        // The same request assembled by hand: encode each image, keep the chosen rows, and write the template's text with
        // each image marker expanded as GenAI's processor expands it, but to 40 soft tokens, tokenized by the folder's own
        // tokenizer.
        GenAiConfig config = GenAiConfig.Load(Path.Combine(path, GenAiConfig.FileName));
        int hidden = config.Model.Decoder.HiddenSize;
        var options = new MultimodalEngineOptions { VisionFeatureCacheBytes = 0 };
        (InferenceSession session, ReceivedAttentionTap tap) = ReceivedAttentionTap.Load(Path.Combine(path, TinyGemma3Model.VisionFileName), options, NullLogger.Instance);
        var features = new List<float>();
        using (var encoder = new Gemma3Encoder(session, tap, config.Model.Vision!, new Gemma3ImageProcessor(await Gemma3ProcessorConfig.LoadAsync(Path.Combine(path, TinyGemma3Model.ProcessorFileName))), hidden, options))
        {
            var timing = new EncodeTiming();
            foreach (RequestImage image in await RequestImages.ReadAsync(request.Images, options.ImageLimits, CancellationToken.None))
            {
                Gemma3EncodedImage encoded = encoder.Encode(encoder.Plan(image, timing), timing, CancellationToken.None);
                Assert.NotNull(encoded.Importance);
                int[] rows = Gemma3TokenPruner.SelectRows(encoded, hidden, pruning);
                Assert.Equal(40, rows.Length);
                features.AddRange(rows.SelectMany(r => encoded.Features.AsSpan(r * hidden, hidden).ToArray()));
            }
        }

        string text = engine.ChatTemplate.Render(request.Messages).Text.Replace(
            "<start_of_image>", "\n\n<start_of_image>" + string.Concat(Enumerable.Repeat("<image_soft_token>", 40)) + "<end_of_image>\n\n", StringComparison.Ordinal);
        using var reference = new Microsoft.ML.OnnxRuntimeGenAI.Model(path);
        using var tokenizer = new Microsoft.ML.OnnxRuntimeGenAI.Tokenizer(reference);
        using Microsoft.ML.OnnxRuntimeGenAI.Sequences sequences = tokenizer.Encode(text);
        int[] ids = sequences[0].ToArray();
        long[] counts = [.. Enumerable.Repeat(40L, images)];

        using GenAiModel model = GenAiModel.Load(path, config, options);
        (float[] handLogits, int[] handTokens) = HookedGeneration.Run(model, ids, [.. features], counts);
        Assert.Equal(40 * images, result.Statistics.VisualTokens);
        Assert.Equal(ids.Length, result.Statistics.PromptTokens);

        // The engine's own prompt for the request: the same ids and rows, so the same first-step logits.
        using (IMultimodalPipeline pipeline = await ModelFamilies.LoadAsync(path, config, model, options, NullLogger.Instance, CancellationToken.None))
        {
            PreparedPrompt prompt = await PrepareAsync(pipeline, config, request);
            Assert.Equal(ids, prompt.InputIds);
            Assert.Equal(counts, prompt.ImageTokenCounts);
            (float[] engineLogits, int[] engineTokens) = HookedGeneration.Run(model, prompt.InputIds, prompt.ImageFeatures, prompt.ImageTokenCounts);
            Assert.Equal(0f, HookedGeneration.MaxDifference(handLogits, engineLogits));
            Assert.Equal(handTokens, engineTokens);
        }

        // The engine's answer is the hand-assembled prompt's greedy continuation, up to its end of sequence.
        int[] answer = [.. handTokens.TakeWhile(t => !config.Model.EosTokenIds.Contains(t)).Take(Tokens)];
        using ReplyDecoder decoder = model.CreateReplyDecoder();
        output.WriteLine($"rank {rank}, {images} image(s), {selector}: {40 * images} of {256 * images} rows kept; greedy {string.Join(" ", handTokens)}");
        Assert.Equal(string.Concat(answer.Select(token => decoder.Decode(token).Text)), result.Text);
    }

    private static async Task<PreparedPrompt> PrepareAsync(IMultimodalPipeline pipeline, GenAiConfig config, GenerationRequest request)
    {
        RequestImage[] read = await RequestImages.ReadAsync(request.Images, new ImageLimits(), CancellationToken.None);
        return await pipeline.PrepareAsync(request, read, config.Model.ContextLength, CancellationToken.None);
    }
}
