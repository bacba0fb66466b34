using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Phi4Multimodal;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.Runtime;
using VisPruner.Engine.Tests.Conformance;
using VisPruner.Imaging.Phi4Multimodal;
using Xunit.Abstractions;

namespace VisPruner.Engine.Tests.Phi4Multimodal;

/// <summary>
/// Pruned phi4mm requests: K kept rows reach GenAI as K placeholders (200010), <c>num_image_tokens</c> = K and a
/// [K, hidden] vision output, and the run is the run of a prompt in which only those rows ever existed.
/// </summary>
public sealed class Phi4MultimodalPruningTests(Phi4MultimodalFolder folder, ITestOutputHelper output) : IClassFixture<Phi4MultimodalFolder>
{
    private const int Tokens = 8;

    // 900 x 500: 1596 visual tokens, of which 27 x 48 + 256 = 1552 content tokens and 44 separators.
    private static readonly byte[] Image = TestImages.Bmp(900, 500, variant: 5);

    private static GenerationRequest Ask(VisualTokenPruningOptions pruning) => new(
        [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is shown?")])],
        [ImageInput.FromBytes(Image)],
        new GenerationOptions { MaxNewTokens = Tokens, Pruning = pruning });

    [Fact]
    public async Task A_pruned_request_has_K_placeholders_and_K_rows_and_reports_K_of_M_visual_tokens()
    {
        var pruning = new VisualTokenPruningOptions { TokensPerImage = 64 };
        (GenAiModel model, IMultimodalPipeline pipeline, GenAiConfig config) = await Phi4MultimodalFolder.LoadPipelineAsync(folder.Path);
        using (model)
        using (pipeline)
        {
            PreparedPrompt prompt = await Phi4MultimodalFolder.PrepareAsync(pipeline, config, Ask(pruning));
            const int k = 64 + 27 + 1 + 16; // the budget and every separator
            Assert.Equal([k], prompt.ImageTokenCounts);
            Assert.Equal(k, prompt.InputIds.Count(id => id == Phi4MultimodalStage.ImageTokenId));
            Assert.Equal(k * config.Model.Decoder.HiddenSize, prompt.ImageFeatures.Length);
        }

        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder.Path);
        GenerationResult pruned = await engine.CompleteAsync(Ask(pruning));
        GenerationResult full = await engine.CompleteAsync(Ask(VisualTokenPruningOptions.Disabled));

        output.WriteLine($"pruned: {pruned.Statistics.VisualTokens} of {pruned.Statistics.VisualTokensBeforePruning} visual tokens, prompt {pruned.Statistics.PromptTokens} " +
            $"tokens, prefill {pruned.Statistics.PrefillTime.TotalMilliseconds:F0} ms; unpruned prompt {full.Statistics.PromptTokens} tokens, prefill {full.Statistics.PrefillTime.TotalMilliseconds:F0} ms");
        Assert.Equal((108, 1596), (pruned.Statistics.VisualTokens, pruned.Statistics.VisualTokensBeforePruning));
        Assert.Equal(full.Statistics.PromptTokens - 1596 + 108, pruned.Statistics.PromptTokens);
        Assert.True(pruned.Statistics.PeakKvCacheBytes < full.Statistics.PeakKvCacheBytes);
    }

    [Theory]
    [InlineData(VisualTokenSelectorKind.VisPruner, false)]
    [InlineData(VisualTokenSelectorKind.Uniform, true)]
    public async Task A_pruned_run_equals_a_prompt_in_which_only_the_kept_rows_ever_existed(VisualTokenSelectorKind selector, bool perPart)
    {
        var pruning = new VisualTokenPruningOptions { Selector = selector, TokensPerImage = 48, SelectPerCrop = perPart };
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder.Path);
        GenerationResult result = await engine.CompleteAsync(Ask(pruning));

        // The same request assembled by hand: encode the image, keep the chosen rows, and write the prompt with K
        // placeholders where the image goes, tokenized by the folder's own tokenizer.
        GenAiConfig config = GenAiConfig.Load(Path.Combine(folder.Path, GenAiConfig.FileName));
        int hidden = config.Model.Decoder.HiddenSize;
        var options = new MultimodalEngineOptions { VisionFeatureCacheBytes = 0 };
        (InferenceSession session, ReceivedAttentionTap tap) = ReceivedAttentionTap.Load(Path.Combine(folder.Path, TinyPhi4MultimodalModel.VisionFileName), options, NullLogger.Instance);
        int[] rows;
        float[] features;
        using (var encoder = new Phi4MultimodalEncoder(session, tap, config.Model.Vision!, "image_attention_mask", new Phi4MultimodalImageProcessor(), hidden, options))
        {
            var timing = new EncodeTiming();
            RequestImage[] read = await RequestImages.ReadAsync([ImageInput.FromBytes(Image)], options.ImageLimits, CancellationToken.None);
            Phi4EncodedImage encoded = encoder.Encode(encoder.Plan(read[0], timing), timing, CancellationToken.None);
            Assert.NotNull(encoded.CropImportance);
            rows = Phi4MultimodalTokenPruner.SelectRows(encoded, hidden, pruning);
            features = [.. rows.SelectMany(r => encoded.Features.AsSpan(r * hidden, hidden).ToArray())];
        }

        string text = engine.ChatTemplate.Render(Ask(pruning).Messages).Text;
        int marker = text.IndexOf("<|image_1|>", StringComparison.Ordinal);
        using var reference = new Microsoft.ML.OnnxRuntimeGenAI.Model(folder.Path);
        using var tokenizer = new Microsoft.ML.OnnxRuntimeGenAI.Tokenizer(reference);
        int[] ids = [.. Encode(tokenizer, text[..marker]), .. Enumerable.Repeat(Phi4MultimodalStage.ImageTokenId, rows.Length), .. Encode(tokenizer, text[(marker + "<|image_1|>".Length)..])];

        using GenAiModel model = GenAiModel.Load(folder.Path, config, options);
        (float[] handLogits, int[] handTokens) = HookedGeneration.Run(model, ids, features, [rows.Length]);
        Assert.Equal(rows.Length, result.Statistics.VisualTokens);
        Assert.Equal(ids.Length, result.Statistics.PromptTokens);

        // The engine's own prompt for the request: the same ids and rows, so the same first-step logits.
        using (IMultimodalPipeline pipeline = await ModelFamilies.LoadAsync(folder.Path, config, model, options, NullLogger.Instance, CancellationToken.None))
        {
            PreparedPrompt prompt = await Phi4MultimodalFolder.PrepareAsync(pipeline, config, Ask(pruning));
            Assert.Equal(ids, prompt.InputIds);
            (float[] engineLogits, int[] engineTokens) = HookedGeneration.Run(model, prompt.InputIds, prompt.ImageFeatures, prompt.ImageTokenCounts);
            Assert.Equal(0f, HookedGeneration.MaxDifference(handLogits, engineLogits));
            Assert.Equal(handTokens, engineTokens);
        }

        // The engine's answer is the hand-assembled prompt's greedy continuation, up to its end of sequence (decoded as
        // replies are: the tokenizer's stream, less the leading space its decoder strips).
        int[] answer = [.. handTokens.TakeWhile(t => !config.Model.EosTokenIds.Contains(t)).Take(Tokens)];
        using ReplyDecoder decoder = model.CreateReplyDecoder();
        output.WriteLine($"{selector}{(perPart ? " per part" : string.Empty)}: {rows.Length} of 1596 rows kept; greedy {string.Join(" ", handTokens)}");
        Assert.Equal(string.Concat(answer.Select(token => decoder.Decode(token).Text)), result.Text);
    }

    private static int[] Encode(Microsoft.ML.OnnxRuntimeGenAI.Tokenizer tokenizer, string text)
    {
        using Microsoft.ML.OnnxRuntimeGenAI.Sequences sequences = tokenizer.Encode(text);
        return sequences[0].ToArray();
    }
}
