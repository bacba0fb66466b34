using VisPruner.DemoModels;
using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

namespace VisPruner.DemoModels.Tests.Phi3Vision;

/// <summary>Scripted folders answer each request of a conversation where the real engine's prompt for it ends.</summary>
public sealed class ScriptedModelFoldersTests
{
    private const string First = "A red house.";
    private const string Second = "Two windows and a door.";
    private static readonly GenerationOptions Options = new() { MaxNewTokens = 48 };

    [Fact]
    public async Task Learned_prompt_lengths_make_the_model_answer_each_request_with_its_reply()
    {
        using var models = new ScriptedModelFolders();
        var probes = new List<string>();
        string folder = await models.WriteAsync([First, Second], async probe =>
        {
            probes.Add(probe);
            return (await ConverseAsync(probe)).PromptLengths;
        });

        (string[] replies, _) = await ConverseAsync(folder);

        Assert.Equal([First, Second], replies);
        Assert.Equal(2, probes.Count);
        Assert.DoesNotContain(folder, probes);
    }

    [Fact]
    public async Task Replies_that_no_script_can_follow_are_refused_with_the_reason()
    {
        using var models = new ScriptedModelFolders();
        Assert.True(File.Exists(Path.Combine(await models.WriteAsync([new ScriptedReply(40, "yes"), new ScriptedReply(40, "yes")]), "genai_config.json")));

        var clash = await Assert.ThrowsAsync<ArgumentException>("replies", () => models.WriteAsync([new ScriptedReply(40, "yes"), new ScriptedReply(40, "no")]));
        Assert.Contains("40-token prompts", clash.Message, StringComparison.Ordinal);
        var overlap = await Assert.ThrowsAsync<ArgumentException>("replies", () => models.WriteAsync([new ScriptedReply(40, "a reply of several tokens"), new ScriptedReply(42, "no")]));
        Assert.Contains("(42 tokens) ends inside", overlap.Message, StringComparison.Ordinal);
        var tooFew = await Assert.ThrowsAsync<InvalidOperationException>(() => models.WriteAsync(["yes", "no"], _ => Task.FromResult<IReadOnlyList<int>>([40])));
        Assert.Contains("made 1 model requests, but the script has a reply for request 1", tooFew.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("options", () => new ScriptedModelFolders(new TinyPhi3VisionOptions { Script = new TinyPhi3VisionScript(3, [5]) }));
        Assert.Throws<ArgumentOutOfRangeException>("promptLength", () => new ScriptedReply(0, "no"));
    }

    // Two requests of one conversation: the second's prompt holds the first reply, whatever the model wrote.
    private static async Task<(string[] Replies, IReadOnlyList<int> PromptLengths)> ConverseAsync(string folder)
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder);
        var question = new ChatTurn(TurnRole.User, "What is it?");
        GenerationResult first = await engine.CompleteAsync(new GenerationRequest([question], options: Options));
        GenerationResult second = await engine.CompleteAsync(new GenerationRequest(
            [question, new ChatTurn(TurnRole.Assistant, first.Text), new ChatTurn(TurnRole.User, "What else?")], options: Options));
        return ([first.Text, second.Text], [first.Statistics.PromptTokens, second.Statistics.PromptTokens]);
    }
}
