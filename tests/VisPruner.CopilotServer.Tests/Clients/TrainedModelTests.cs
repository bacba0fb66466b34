using OpenAI.Chat;
using VisPruner.CopilotServer.Tests.Infrastructure;

namespace VisPruner.CopilotServer.Tests.Clients;

/// <summary>The official OpenAI .NET client asking the trained demo model about the example scene.</summary>
public sealed class TrainedModelTests(TrainedModelServer fixture) : IClassFixture<TrainedModelServer>
{
    private readonly ChatClient _chat = OpenAIClients.Chat(fixture.Server);

    private static UserChatMessage SneakerQuestion => new(
        ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(TrainedModelServer.FashionScene), "image/png"),
        ChatMessageContentPart.CreateTextPart("What colour is the sneaker?"));

    [Fact]
    public async Task The_sneaker_in_the_example_scene_is_yellow_streamed_or_not()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 16 };

        ChatCompletion plain = await _chat.CompleteChatAsync([SneakerQuestion], options);
        StreamedCompletion streamed = await OpenAIClients.StreamAsync(_chat, [SneakerQuestion], options);

        Assert.Equal("yellow", plain.Content[0].Text.Trim());
        Assert.Equal(ChatFinishReason.Stop, plain.FinishReason);
        Assert.Equal("yellow", streamed.Text.Trim());
        Assert.Equal(ChatFinishReason.Stop, streamed.FinishReason);
    }

    [Fact]
    public async Task A_follow_up_resent_with_its_history_reuses_the_key_value_cache()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 16 };
        var messages = new List<ChatMessage> { SneakerQuestion };
        ChatCompletion first = await _chat.CompleteChatAsync(messages, options);
        messages.Add(new AssistantChatMessage(first.Content[0].Text));
        messages.Add(new UserChatMessage("What colour is the shirt?"));

        ChatCompletion second = await _chat.CompleteChatAsync(messages, options);

        Assert.Equal(0, first.Usage.InputTokenDetails.CachedTokenCount);
        // The first turn's prompt and answer are not computed again.
        Assert.True(second.Usage.InputTokenDetails.CachedTokenCount >= first.Usage.InputTokenCount,
            $"{second.Usage.InputTokenDetails.CachedTokenCount} of {second.Usage.InputTokenCount} prompt tokens reused; the first prompt had {first.Usage.InputTokenCount}");
        Assert.True(second.Usage.InputTokenDetails.CachedTokenCount < second.Usage.InputTokenCount);
    }
}
