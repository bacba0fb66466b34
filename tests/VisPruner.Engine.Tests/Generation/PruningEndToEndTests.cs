using Microsoft.Extensions.Logging.Abstractions;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Phi3Vision;
using VisPruner.Engine.Pruning;
using VisPruner.Imaging.Phi3Vision;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ChatTemplates;
using VisPruner.DemoModels.Tests.Phi3Vision;

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

        // The same request run without ONNX Runtime GenAI: encode the image, keep the chosen rows, scatter them into K
        // placeholders with the folder's embedding graph, then a hand-written greedy loop over its decoder graph.
        GenAiConfig config = GenAiConfig.Load(Path.Combine(folder, GenAiConfig.FileName));
        int hidden = config.Model.Decoder.HiddenSize;
        var engineOptions = new MultimodalEngineOptions();
        (InferenceSession session, Phi3VisionTap tap) = Phi3VisionTap.Load(Path.Combine(folder, config.Model.Vision!.FileName), engineOptions, NullLogger.Instance);
        using var encoder = new Phi3VisionEncoder(session, tap, config.Model.Vision, new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 4 }), hidden, engineOptions);
        var timing = new EncodeTiming();
        RequestImage[] read = await RequestImages.ReadAsync([ImageInput.FromBytes(Image)], engineOptions.ImageLimits, CancellationToken.None);
        EncodedImage encoded = encoder.Encode(encoder.Plan(read[0], timing), timing, CancellationToken.None);
        int[] rows = Phi3VisionTokenPruner.SelectRows(encoded, hidden, pruning);

        RenderedPrompt prompt = ChatTemplateCatalog.ForModelType("phi3v").Render([new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is shown?")])]);
        string text = prompt.Text;
        int marker = text.IndexOf("<|image_1|>", StringComparison.Ordinal);
        long[] ids = [.. TokensOf(engine, text[..marker], bos: true), .. Enumerable.Repeat(-1L, rows.Length), .. TokensOf(engine, text[(marker + "<|image_1|>".Length)..], bos: false)];
        float[] features = [.. rows.SelectMany(r => encoded.Features.AsSpan(r * hidden, hidden).ToArray())];

        using var driver = new DecoderDriver(folder, models.GrowingKv.Options, models.GrowingKv.VocabularySize);
        using DecoderDriver.CachedSession state = driver.Start(sharedBuffer: false);
        float[] logits = state.Step(driver.Embed(ids, image: features), ids.Length)[^driver.Vocabulary..];
        var generated = new List<int>();
        for (int step = 0; step < Tokens; step++)
        {
            foreach (int eos in config.Model.EosTokenIds)
            {
                logits[eos] = float.NegativeInfinity; // MinNewTokens = Tokens
            }

            generated.Add(Array.IndexOf(logits, logits.Max()));
            if (step < Tokens - 1)
            {
                logits = state.Step(driver.Embed([generated[^1]]), 1);
            }
        }

        Assert.Equal(rows.Length, result.Statistics.VisualTokens);
        Assert.Equal(ids.Length, result.Statistics.PromptTokens);
        using var genAiModel = new Microsoft.ML.OnnxRuntimeGenAI.Model(folder);
        using var tokenizer = new Microsoft.ML.OnnxRuntimeGenAI.Tokenizer(genAiModel);

        // Decoded as GenAI streams text: for this random text, whose byte tokens do not all form valid UTF-8, Tokenizer.Decode
        // of the whole list returns a shorter string ending in U+FFFD.
        using var stream = tokenizer.CreateStream();
        Assert.Equal(string.Concat(generated.Select(stream.Decode)), result.Text);
    }

    // The prompt text around the image, as the folder's tokenizer encodes it with special tokens (markup only here).
    private static IEnumerable<long> TokensOf(MultimodalEngine engine, string text, bool bos)
    {
        _ = engine;
        using var model = new Microsoft.ML.OnnxRuntimeGenAI.Model(engine.ModelFolder);
        using var tokenizer = new Microsoft.ML.OnnxRuntimeGenAI.Tokenizer(model);
        using Microsoft.ML.OnnxRuntimeGenAI.Sequences sequences = tokenizer.Encode(text);
        return (bos ? [1L] : Array.Empty<long>()).Concat(sequences[0].ToArray().Select(i => (long)i));
    }
}
