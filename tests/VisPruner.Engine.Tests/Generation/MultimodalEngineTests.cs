using VisPruner.Engine.Generation;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Engine.Tests.Generation;

public sealed class MultimodalEngineTests(TinyModelFixture models) : IClassFixture<TinyModelFixture>
{
    private static GenerationRequest Ask(string question, GenerationOptions? options = null, params byte[][] images) => new(
        [new ChatTurn(TurnRole.User, [.. images.Select(_ => (ChatPart)new ImagePart()), new TextPart(question)])],
        [.. images.Select(i => ImageInput.FromBytes(i))],
        options ?? new GenerationOptions { MaxNewTokens = 16, MinNewTokens = 16 });

    [Fact]
    public async Task Both_cache_layouts_generate_the_same_tokens()
    {
        GenerationRequest request = Ask("Describe it.", null, TestImages.Bmp(400, 400));
        using MultimodalEngine growing = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        using MultimodalEngine shared = await MultimodalEngine.LoadAsync(models.SharedKvFolder);

        GenerationResult a = await growing.CompleteAsync(request);
        GenerationResult b = await shared.CompleteAsync(request);

        Assert.Equal(a.Text, b.Text);
        Assert.Equal(16, b.Statistics.CompletionTokens);
        Assert.True(b.Statistics.PeakKvCacheBytes > a.Statistics.PeakKvCacheBytes - 1, "the shared buffer holds at least the grown cache");
    }

    [Fact]
    public async Task A_seed_reproduces_a_sampled_answer_and_top_k_one_equals_greedy()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        byte[] image = TestImages.Bmp(300, 200);
        var sampled = new GenerationOptions { MaxNewTokens = 20, MinNewTokens = 20, Temperature = 1.5, TopP = 0.95, Seed = 7 };

        string first = (await engine.CompleteAsync(Ask("Tell me a story.", sampled, image))).Text;
        string second = (await engine.CompleteAsync(Ask("Tell me a story.", sampled, image))).Text;
        string greedy = (await engine.CompleteAsync(Ask("Tell me a story.", new GenerationOptions { MaxNewTokens = 20, MinNewTokens = 20, DoSample = false }, image))).Text;
        string topK1 = (await engine.CompleteAsync(Ask("Tell me a story.", sampled with { TopK = 1 }, image))).Text;
        string otherSeed = (await engine.CompleteAsync(Ask("Tell me a story.", sampled with { Seed = 8 }, image))).Text;

        Assert.Equal(first, second);
        Assert.Equal(greedy, topK1);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public async Task Unseeded_sampled_answers_differ_unless_the_folder_fixes_a_seed()
    {
        var sampled = new GenerationOptions { MaxNewTokens = 20, MinNewTokens = 20, Temperature = 1.5 };
        string pinned = models.CopyOf(models.GrowingKvFolder);
        TinyModelFixture.EditConfig(pinned, root => root["search"]!["random_seed"] = 5);
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        using MultimodalEngine seeded = await MultimodalEngine.LoadAsync(pinned);

        var fresh = new HashSet<string>();
        for (int i = 0; i < 4; i++)
        {
            fresh.Add((await engine.CompleteAsync(Ask("Tell me a story.", sampled))).Text);
        }

        string first = (await seeded.CompleteAsync(Ask("Tell me a story.", sampled))).Text;
        string second = (await seeded.CompleteAsync(Ask("Tell me a story.", sampled))).Text;

        Assert.True(fresh.Count > 1, "four unseeded sampled answers were all equal");
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task An_end_of_sequence_token_is_held_off_until_the_minimum_length()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        GenerationResult free = await engine.CompleteAsync(Ask("Hi", new GenerationOptions { MaxNewTokens = 200 }));
        Assert.Equal(FinishReason.Stop, free.FinishReason); // this tiny model ends its answer on its own
        int minimum = free.Statistics.CompletionTokens + 5;

        GenerationResult held = await engine.CompleteAsync(Ask("Hi", new GenerationOptions { MaxNewTokens = 200, MinNewTokens = minimum }));

        Assert.True(held.Statistics.CompletionTokens >= minimum);
        Assert.StartsWith(free.Text, held.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streamed_pieces_add_up_to_the_answer_and_only_the_last_is_final()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        var updates = new List<GenerationUpdate>();
        await foreach (GenerationUpdate update in engine.GenerateAsync(Ask("Hello", null, TestImages.Bmp(64, 64))))
        {
            updates.Add(update);
        }

        Assert.True(updates[^1].IsFinal);
        Assert.All(updates[..^1], u => Assert.False(u.IsFinal));
        Assert.Equal(
            (await engine.CompleteAsync(Ask("Hello", null, TestImages.Bmp(64, 64)))).Text,
            string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task A_stop_sequence_ends_the_answer_before_it()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        var options = new GenerationOptions { MaxNewTokens = 24, MinNewTokens = 24 };
        string full = (await engine.CompleteAsync(Ask("Go on.", options))).Text;
        Assert.True(full.Length >= 6, $"the tiny model produced too little text to test with: '{full}'");
        string stop = full.Substring(full.Length / 2, 3);
        int at = full.IndexOf(stop, StringComparison.Ordinal);

        GenerationResult stopped = await engine.CompleteAsync(Ask("Go on.", options with { StopSequences = [stop] }));

        Assert.Equal(full[..at], stopped.Text);
        Assert.Equal(FinishReason.Stop, stopped.FinishReason);
    }

    [Fact]
    public async Task The_same_image_again_reuses_its_features()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        byte[] image = TestImages.Bmp(350, 350, variant: 5);

        GenerationResult first = await engine.CompleteAsync(Ask("What is it?", null, image));
        GenerationResult again = await engine.CompleteAsync(Ask("What is it?", null, image));

        Assert.Equal(0, first.Statistics.CachedImages);
        Assert.Equal(1, again.Statistics.CachedImages);
        Assert.Equal(TimeSpan.Zero, again.Statistics.VisionTime);
        Assert.Equal(first.Text, again.Text);
    }

    [Fact]
    public async Task Several_images_in_one_prompt_each_take_their_tokens()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        byte[] square = TestImages.Bmp(300, 300);
        byte[] wide = TestImages.Bmp(900, 300, variant: 2);

        GenerationResult one = await engine.CompleteAsync(Ask("Compare.", null, square));
        GenerationResult two = await engine.CompleteAsync(Ask("Compare.", null, square, wide));

        Assert.Equal(one.Statistics.VisualTokensBeforePruning + TokensOf(900, 300), two.Statistics.VisualTokensBeforePruning);
        Assert.Equal(2, two.Statistics.Images.Count);
        Assert.Equal(one.Statistics.Images[0].VisualTokens, two.Statistics.Images[0].VisualTokens);
        Assert.True(two.Statistics.Images[0].FromCache);
        Assert.Equal(two.Statistics.VisualTokens, two.Statistics.Images.Sum(i => i.VisualTokens));
        Assert.NotEqual(one.Text, two.Text);
    }

    [Fact]
    public async Task Concurrent_requests_get_the_answers_they_would_get_alone()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        GenerationRequest[] requests = [.. Enumerable.Range(0, 4).Select(i => Ask($"Question {i}", null, TestImages.Bmp(200 + (50 * i), 200, i)))];
        var alone = new List<string>();
        foreach (GenerationRequest request in requests)
        {
            alone.Add((await engine.CompleteAsync(request)).Text);
        }

        string[] together = await Task.WhenAll(requests.Select(r => Task.Run(() => engine.CompleteAsync(r))).Select(async t => (await t).Text));

        Assert.Equal(alone, together);
    }

    [Fact]
    public async Task Cancelling_mid_answer_stops_it_and_the_engine_still_answers()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        using var cancel = new CancellationTokenSource();
        int pieces = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (GenerationUpdate update in engine.GenerateAsync(Ask("Talk.", new GenerationOptions { MaxNewTokens = 2000, MinNewTokens = 2000 }), cancel.Token))
            {
                if (++pieces == 2)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(2, pieces);
        GenerationResult after = await engine.CompleteAsync(Ask("Talk.", new GenerationOptions { MaxNewTokens = 4, MinNewTokens = 4 }));
        Assert.Equal(4, after.Statistics.CompletionTokens);
    }

    [Fact]
    public async Task A_caller_that_stops_reading_releases_the_engine()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        await foreach (GenerationUpdate update in engine.GenerateAsync(Ask("Talk.", new GenerationOptions { MaxNewTokens = 2000, MinNewTokens = 2000 })))
        {
            break;
        }

        GenerationResult after = await engine.CompleteAsync(Ask("Talk.", new GenerationOptions { MaxNewTokens = 3, MinNewTokens = 3 }));
        Assert.Equal(3, after.Statistics.CompletionTokens);
    }

    [Fact]
    public async Task A_prompt_over_the_context_length_is_refused_before_running()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        string longText = string.Concat(Enumerable.Repeat("many words here ", 2000));

        var ex = await Assert.ThrowsAsync<PromptTooLongException>(() => engine.CompleteAsync(Ask(longText, null, TestImages.Bmp(100, 100))));

        Assert.Equal(engine.Config.Model.ContextLength, ex.ContextLength);
        Assert.True(ex.PromptTokens >= ex.ContextLength);
        Assert.Contains("context length", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Images_must_match_the_markers()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        var request = new GenerationRequest([new ChatTurn(TurnRole.User, "No image here")], [ImageInput.FromBytes(TestImages.Bmp(10, 10))]);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => engine.CompleteAsync(request));
        Assert.Equal("request", ex.ParamName);
    }

    [Fact]
    public async Task A_corrupt_image_is_an_invalid_image_error()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        byte[] corrupt = TestImages.Bmp(50, 50)[..40];

        var ex = await Assert.ThrowsAsync<Imaging.InvalidImageException>(() => engine.CompleteAsync(Ask("?", null, corrupt)));
        Assert.Contains("Image 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Out_of_range_settings_are_refused()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.CompleteAsync(Ask("?", new GenerationOptions { TopP = 1.5 })));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.CompleteAsync(Ask("?", new GenerationOptions { MaxNewTokens = 0 })));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.CompleteAsync(Ask("?", new GenerationOptions { Temperature = -1 })));
    }

    [Fact]
    public async Task A_disposed_engine_refuses_requests()
    {
        MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        engine.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.CompleteAsync(Ask("?")));
    }

    private static int TokensOf(int width, int height) =>
        new Imaging.Phi3Vision.Phi3VisionImageProcessor(new Imaging.Phi3Vision.Phi3VisionProcessorOptions { NumCrops = 4 }).GetLayout(width, height).NumImageTokens;
}
