using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;
using VisPruner.OnnxRuntime;
using VisPruner.Tokenizers;

namespace VisPruner.Engine.Tests.Runtime;

public sealed class DecoderStateTests(TinyModelFixture models) : IClassFixture<TinyModelFixture>
{
    // Cached and recomputed logits differ only by float32 summation order inside the attention kernels.
    private const float Tolerance = 1e-4f;

    public static TheoryData<bool> BothLayouts => [false, true];

    [Theory]
    [MemberData(nameof(BothLayouts))]
    public async Task Cached_decoding_gives_the_logits_of_recomputing_the_whole_sequence(bool shareBuffer)
    {
        string folder = shareBuffer ? models.SharedKvFolder : models.GrowingKvFolder;
        using LanguageModel model = Load(folder, shareBuffer);
        long[] prompt = await PromptAsync(folder, "The quick brown fox jumps over the lazy dog.");

        using DecoderState cached = model.CreateState(prompt.Length + 8);
        float[] logits = cached.Prefill(prompt, [], CancellationToken.None).ToArray();
        var sequence = new List<long>(prompt);
        for (int step = 0; step < 8; step++)
        {
            using (DecoderState full = model.CreateState(sequence.Count))
            {
                float[] recomputed = full.Prefill([.. sequence], [], CancellationToken.None).ToArray();
                Assert.Equal(recomputed.Length, logits.Length);
                for (int i = 0; i < logits.Length; i++)
                {
                    Assert.True(Math.Abs(recomputed[i] - logits[i]) <= Tolerance * (1 + Math.Abs(recomputed[i])),
                        $"step {step}, logit {i}: cached {logits[i]}, recomputed {recomputed[i]}");
                }
            }

            int next = Array.IndexOf(logits, logits.Max());
            sequence.Add(next);
            if (step < 7)
            {
                logits = cached.Step(next, CancellationToken.None).ToArray();
            }
        }

        Assert.Equal(prompt.Length + 7, cached.Length);
    }

    [Fact]
    public async Task Cache_size_follows_the_layout()
    {
        using LanguageModel growing = Load(models.GrowingKvFolder, shareBuffer: false);
        using LanguageModel shared = Load(models.SharedKvFolder, shareBuffer: true);
        long[] prompt = await PromptAsync(models.GrowingKvFolder, "Hello there");

        using DecoderState g = growing.CreateState(64);
        using DecoderState s = shared.CreateState(64);
        g.Prefill(prompt, [], CancellationToken.None);
        s.Prefill(prompt, [], CancellationToken.None);

        Assert.Equal(growing.KvBytesPerToken * prompt.Length, g.KvCacheBytes);
        Assert.Equal(shared.KvBytesPerToken * 64, s.KvCacheBytes);
    }

    [Fact]
    public async Task Steps_beyond_the_capacity_are_refused()
    {
        using LanguageModel model = Load(models.GrowingKvFolder, shareBuffer: false);
        long[] prompt = await PromptAsync(models.GrowingKvFolder, "Hi");
        using DecoderState state = model.CreateState(prompt.Length);
        state.Prefill(prompt, [], CancellationToken.None);

        Assert.Throws<InvalidOperationException>(() => state.Step(5, CancellationToken.None));
    }

    private static LanguageModel Load(string folder, bool shareBuffer) =>
        LanguageModel.Load(folder, GenAiConfig.Load(Path.Combine(folder, GenAiConfig.FileName)), new InferenceSessionOptions(), shareBuffer);

    private static async Task<long[]> PromptAsync(string folder, string text)
    {
        Tokenizer tokenizer = await Tokenizer.FromDirectoryAsync(folder);
        return [.. tokenizer.Encode(text).Select(id => (long)id)];
    }
}
