using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

namespace VisPruner.Engine.Tests.Generation;

/// <summary>
/// A follow-up turn continues the earlier request's generator, and answers exactly as a fresh one would. The first turn is
/// scripted so that its reply is canonically tokenized (a follow-up re-encodes the reply text, and only an exact prefix is
/// continued); the follow-up is the random model's own answer, which depends on every cached key and value.
/// </summary>
public sealed class ContinuationTests(TinyModelFixture models) : IClassFixture<TinyModelFixture>
{
    private const string Reply = "The image shows a small red house.";
    private static readonly byte[] Image = TestImages.Bmp(420, 300, variant: 3);
    private static readonly GenerationOptions Greedy = new() { MaxNewTokens = 12 };

    private static GenerationRequest FirstTurn() => new(
        [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is it?")])], [ImageInput.FromBytes(Image)], Greedy);

    private static GenerationRequest FollowUp(string reply, byte[]? secondImage = null) => new(
        [
            new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is it?")]),
            new ChatTurn(TurnRole.Assistant, reply),
            new ChatTurn(TurnRole.User, secondImage is null ? [new TextPart("And what colour?")] : [new ImagePart(), new TextPart("And this?")]),
        ],
        secondImage is null ? [ImageInput.FromBytes(Image)] : [ImageInput.FromBytes(Image), ImageInput.FromBytes(secondImage)],
        Greedy);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_follow_up_prefills_only_its_new_tokens_and_answers_as_a_fresh_generator_does(bool sharedBuffer)
    {
        string folder = await ScriptedFolderAsync(sharedBuffer);
        using MultimodalEngine continuing = await MultimodalEngine.LoadAsync(folder);
        using MultimodalEngine fresh = await MultimodalEngine.LoadAsync(folder, new MultimodalEngineOptions { ContinuableGenerators = 0 });

        GenerationResult first = await continuing.CompleteAsync(FirstTurn());
        Assert.Equal(Reply, first.Text);
        GenerationResult continued = await continuing.CompleteAsync(FollowUp(first.Text));
        GenerationResult restarted = await fresh.CompleteAsync(FollowUp(first.Text));

        // Everything but the end token, which GenAI keeps out of its sequence and the follow-up's history brings back.
        Assert.Equal(first.Statistics.PromptTokens + first.Statistics.CompletionTokens - 1, continued.Statistics.ReusedPromptTokens);
        Assert.Equal(0, restarted.Statistics.ReusedPromptTokens);
        Assert.Equal(restarted.Statistics.PromptTokens, continued.Statistics.PromptTokens);
        Assert.True(continued.Statistics.CompletionTokens > 1, "the follow-up should be the model's own answer");
        Assert.Equal(restarted.Statistics.CompletionTokens, continued.Statistics.CompletionTokens);
        Assert.Equal(restarted.Text, continued.Text);
    }

    // A folder whose first turn answers Reply, in canonical tokens.
    private Task<string> ScriptedFolderAsync(bool sharedBuffer) =>
        (sharedBuffer ? models.SharedKvModels : models.GrowingKvModels).WriteAsync([Reply], async folder =>
        {
            using MultimodalEngine probe = await MultimodalEngine.LoadAsync(folder);
            return [(await probe.CompleteAsync(FirstTurn() with { Options = new GenerationOptions { MaxNewTokens = 1 } })).Statistics.PromptTokens];
        });

    [Fact]
    public async Task A_new_image_a_seed_or_a_changed_prefix_starts_a_fresh_generator()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(await ScriptedFolderAsync(sharedBuffer: false));
        string reply = (await engine.CompleteAsync(FirstTurn())).Text;
        GenerationResult withImage = await engine.CompleteAsync(FollowUp(reply, TestImages.Bmp(200, 200, variant: 1)));
        Assert.Equal(0, withImage.Statistics.ReusedPromptTokens);

        _ = await engine.CompleteAsync(FirstTurn());
        GenerationResult seeded = await engine.CompleteAsync(FollowUp(reply) with { Options = Greedy with { Temperature = 0.8, Seed = 3 } });
        Assert.Equal(0, seeded.Statistics.ReusedPromptTokens);

        _ = await engine.CompleteAsync(FirstTurn());
        GenerationResult edited = await engine.CompleteAsync(FollowUp(reply.Replace("red", "blue", StringComparison.Ordinal)));
        Assert.Equal(0, edited.Statistics.ReusedPromptTokens);
    }
}
