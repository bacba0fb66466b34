using Microsoft.Extensions.AI;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Tests.Chat;

/// <summary>
/// A follow-up that extends a conversation whose last answer ended on end-of-sequence continues that answer's generator;
/// the prompt tokens it did not prefill are reported as cached input.
/// </summary>
[Collection(TinyModelsGroup.Name)]
public sealed class CachedInputTests(TinyModels models)
{
    private const string Reply = "A grey cat sleeps on a blue sofa.";

    [Fact]
    public async Task A_text_follow_up_reports_the_reused_prompt_tokens_as_cached_input_and_a_fresh_request_none()
    {
        List<ChatMessage> question =
            [new(ChatRole.User, [new DataContent(TestImages.Bmp(320, 240, variant: 5), "image/bmp"), new TextContent("What is on the sofa?")])];
        VisPrunerChatClient client = await models.ScriptedClientAsync(question, null, Reply);

        ChatResponse answer = await client.GetResponseAsync(question);
        Assert.Equal((Reply, ChatFinishReason.Stop), (answer.Text, answer.FinishReason));
        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(
            [.. question, .. answer.Messages, new(ChatRole.User, "And what colour is the cat?")], new ChatOptions { MaxOutputTokens = 4 }))
        {
            updates.Add(update);
        }

        Assert.Equal(0, answer.Usage!.CachedInputTokenCount);
        UsageDetails followUp = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        int reused = ((GenerationUpdate)updates[^1].RawRepresentation!).Statistics!.ReusedPromptTokens;
        Assert.True(reused > 0, "the follow-up should continue the first answer's generator");
        Assert.Equal(reused, followUp.CachedInputTokenCount);

        // All the first request's prompt and answer but its end token, which the follow-up's history brings back.
        Assert.Equal(answer.Usage.InputTokenCount + answer.Usage.OutputTokenCount - 1, followUp.CachedInputTokenCount);
        Assert.True(followUp.CachedInputTokenCount < followUp.InputTokenCount);
    }
}
