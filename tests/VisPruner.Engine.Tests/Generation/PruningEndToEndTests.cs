using Microsoft.Extensions.Logging.Abstractions;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Phi3Vision;
using VisPruner.Engine.Pruning;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.OnnxRuntime;
using VisPruner.Tokenizers;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Engine.Tests.Generation;

public sealed class PruningEndToEndTests(TinyModelFixture models) : IClassFixture<TinyModelFixture>
{
    private const int Tokens = 10;
    private static readonly byte[] Image = TestImages.Bmp(500, 300, variant: 6);

    private static GenerationRequest Ask(VisualTokenPruningOptions pruning) => new(
        [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is shown?")])],
        [ImageInput.FromBytes(Image)],
        new GenerationOptions { MaxNewTokens = Tokens, MinNewTokens = Tokens, Pruning = pruning });

    [Fact]
    public async Task No_pruning_and_a_budget_covering_every_token_give_the_same_answer()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);

        GenerationResult off = await engine.CompleteAsync(Ask(VisualTokenPruningOptions.Disabled));
        GenerationResult everything = await engine.CompleteAsync(Ask(new VisualTokenPruningOptions { TokenFraction = 1 }));
        GenerationResult pruned = await engine.CompleteAsync(Ask(new VisualTokenPruningOptions { TokensPerImage = 64 }));

        Assert.Equal(757, off.Statistics.VisualTokens);
        Assert.Equal(off.Text, everything.Text);
        Assert.Equal(off.Statistics.PromptTokens, everything.Statistics.PromptTokens);
        Assert.InRange(pruned.Statistics.VisualTokens, 65, 64 + 1 + 24 + 12);
        Assert.Equal(off.Statistics.PromptTokens - 757 + pruned.Statistics.VisualTokens, pruned.Statistics.PromptTokens);
        Assert.True(pruned.Statistics.PeakKvCacheBytes < off.Statistics.PeakKvCacheBytes / 3);
    }

    [Theory]
    [InlineData(VisualTokenSelectorKind.VisPruner, false)]
    [InlineData(VisualTokenSelectorKind.Uniform, true)]
    public async Task A_pruned_run_equals_a_prompt_in_which_only_the_kept_rows_ever_existed(VisualTokenSelectorKind selector, bool perCrop)
    {
        var pruning = new VisualTokenPruningOptions { Selector = selector, TokensPerImage = 48, SelectPerCrop = perCrop };
        string folder = models.GrowingKvFolder;
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder);
        GenerationResult result = await engine.CompleteAsync(Ask(pruning));

        // The same request assembled by hand: encode the image, keep the chosen rows, K placeholders, greedy decoding.
        GenAiConfig config = GenAiConfig.Load(Path.Combine(folder, GenAiConfig.FileName));
        Tokenizer tokenizer = await Tokenizer.FromDirectoryAsync(folder);
        int hidden = config.Model.Decoder.HiddenSize;
        var engineOptions = new MultimodalEngineOptions();
        (InferenceSession session, Phi3VisionTap tap) = Phi3VisionTap.Load(Path.Combine(folder, config.Model.Vision!.FileName), engineOptions, NullLogger.Instance);
        using var encoder = new Phi3VisionEncoder(session, tap, config.Model.Vision, new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 4 }), hidden, engineOptions);
        var timing = new EncodeTiming();
        EncodedImage encoded = encoder.Encode(encoder.Load(Image, 1, timing), timing, CancellationToken.None);
        int[] rows = Phi3VisionTokenPruner.SelectRows(encoded, hidden, pruning);

        string prompt = ChatTemplateCatalog.ForModelType("phi3v").Render([new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is shown?")])]);
        int marker = prompt.IndexOf("<|image_1|>", StringComparison.Ordinal);
        long[] ids = [.. tokenizer.Encode(prompt.AsSpan(0, marker)).Select(i => (long)i), .. Enumerable.Repeat(-1L, rows.Length),
            .. tokenizer.Encode(prompt.AsSpan(marker + "<|image_1|>".Length), addSpecialTokens: false).Select(i => (long)i)];
        float[] features = [.. rows.SelectMany(r => encoded.Features.AsSpan(r * hidden, hidden).ToArray())];

        using LanguageModel model = LanguageModel.Load(folder, config, new InferenceSessionOptions(), shareBuffer: false);
        using DecoderState state = model.CreateState(ids.Length + Tokens);
        var generated = new List<int>();
        float[] logits = state.Prefill(ids, features, CancellationToken.None).ToArray();
        for (int step = 0; step < Tokens; step++)
        {
            foreach (int eos in config.Model.EosTokenIds)
            {
                logits[eos] = float.NegativeInfinity;
            }

            generated.Add(Array.IndexOf(logits, logits.Max()));
            if (step < Tokens - 1)
            {
                logits = state.Step(generated[^1], CancellationToken.None).ToArray();
            }
        }

        Assert.Equal(rows.Length, result.Statistics.VisualTokens);
        Assert.Equal(ids.Length, result.Statistics.PromptTokens);
        Assert.Equal(tokenizer.Decode([.. generated], skipSpecialTokens: true), result.Text);
    }
}
