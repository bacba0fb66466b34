using Microsoft.Extensions.AI;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Tests.Chat;

[Collection(TinyModelsGroup.Name)]
public sealed class StreamingTests(TinyModels models)
{
    private const string Reply = "The white cat sits on the wooden steps.";

    private static List<ChatMessage> AskAboutImage(int variant = 0) =>
        [new(ChatRole.User, [new DataContent(TestImages.Bmp(400, 300, variant), "image/bmp"), new TextContent("What is in this picture?")])];

    [Fact]
    public async Task Streamed_updates_share_ids_and_role_and_the_last_carries_finish_reason_and_usage()
    {
        List<ChatMessage> messages = AskAboutImage();
        int promptLength = await models.PromptLengthAsync(messages, null);
        VisPrunerChatClient client = await models.ScriptedClientAsync(messages, null, Reply);

        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(messages))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count > 2, "the answer should arrive in several pieces");
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
        Assert.All(updates, u => Assert.Equal(updates[0].MessageId, u.MessageId));
        Assert.All(updates, u => Assert.Equal(updates[0].ResponseId, u.ResponseId));
        Assert.All(updates, u => Assert.Equal("scripted", u.ModelId));
        Assert.False(string.IsNullOrEmpty(updates[0].MessageId));
        Assert.False(string.IsNullOrEmpty(updates[0].ResponseId));
        Assert.Equal(Reply, string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates.SkipLast(1), u => Assert.Null(u.FinishReason));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);

        UsageContent usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Contains(usage, updates[^1].Contents);
        UsageDetails details = usage.Details;
        Assert.Equal(promptLength, details.InputTokenCount);
        Assert.Equal(details.InputTokenCount + details.OutputTokenCount, details.TotalTokenCount);
        Assert.True(details.OutputTokenCount > 0);
        long before = details.AdditionalCounts![VisPrunerPropertyNames.VisualTokensBeforePruning];
        long kept = details.AdditionalCounts[VisPrunerPropertyNames.VisualTokens];
        Assert.True(before > 0 && kept > 0 && kept <= before, $"visual tokens {before} -> {kept}");
        Assert.True(details.AdditionalCounts[VisPrunerPropertyNames.VisionMicroseconds] > 0 || details.AdditionalCounts[VisPrunerPropertyNames.CachedImages] == 1);
        Assert.True(details.AdditionalCounts[VisPrunerPropertyNames.PrefillMicroseconds] > 0);

        // Figures that do not add up over requests are the last update's (so the message's) properties, not usage counts.
        GenerationStatistics statistics = ((GenerationUpdate)updates[^1].RawRepresentation!).Statistics!;
        Assert.True(statistics.PeakKvCacheBytes > 0);
        Assert.Equal(statistics.PeakKvCacheBytes, updates[^1].AdditionalProperties![VisPrunerPropertyNames.PeakKvCacheBytes]);
        Assert.Equal(statistics.TimeToFirstToken.Ticks / TimeSpan.TicksPerMicrosecond, updates[^1].AdditionalProperties![VisPrunerPropertyNames.TimeToFirstTokenMicroseconds]);
        Assert.DoesNotContain(VisPrunerPropertyNames.PeakKvCacheBytes, details.AdditionalCounts.Keys);
        Assert.DoesNotContain(VisPrunerPropertyNames.TimeToFirstTokenMicroseconds, details.AdditionalCounts.Keys);
        Assert.Equal(statistics.PeakKvCacheBytes, updates.ToChatResponse().Messages.Single().AdditionalProperties![VisPrunerPropertyNames.PeakKvCacheBytes]);
    }

    [Fact]
    public async Task GetResponseAsync_aggregates_the_stream_into_one_assistant_message()
    {
        List<ChatMessage> messages = AskAboutImage();
        VisPrunerChatClient client = await models.ScriptedClientAsync(messages, null, Reply);

        ChatResponse response = await client.GetResponseAsync(messages);

        ChatMessage message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.Equal(Reply, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("scripted", response.ModelId);
        Assert.False(string.IsNullOrEmpty(response.ResponseId));
        Assert.False(string.IsNullOrEmpty(message.MessageId));
        Assert.NotNull(response.Usage);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.Null(response.ConversationId);
    }

    [Fact]
    public async Task MaxOutputTokens_ends_the_answer_with_finish_reason_Length()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();

        // The raw engine options hold off end-of-sequence, so only the token limit can end the answer.
        var options = new ChatOptions { MaxOutputTokens = 3, RawRepresentationFactory = _ => new GenerationOptions { MinNewTokens = 3 } };
        ChatResponse response = await client.GetResponseAsync("Describe the image in detail.", options);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(3, response.Usage!.OutputTokenCount);
    }
}
