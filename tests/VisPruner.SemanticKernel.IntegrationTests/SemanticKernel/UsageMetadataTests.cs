using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;
using UsageDetails = Microsoft.Extensions.AI.UsageDetails;

namespace VisPruner.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>
/// A message's metadata reports its request's usage the same way streamed or not, including the prompt tokens a follow-up
/// reused from the earlier turn's generator.
/// </summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class UsageMetadataTests(ScriptedModels models)
{
    private const string FollowUpAnswer = "The front door is green.";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_text_follow_up_reports_the_reused_prompt_tokens_and_a_fresh_request_none(bool streaming)
    {
        (IReadOnlyList<IReadOnlyDictionary<string, object?>> metadata, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Answer, FollowUpAnswer],
            async model =>
            {
                Kernel kernel = Kernel.CreateBuilder().AddVisPrunerChatCompletion(model.Configure).Build();
                IChatCompletionService chat = kernel.GetRequiredService<IChatCompletionService>();
                ChatHistory history = [];
                history.AddUserMessage([new ImageContent(await File.ReadAllBytesAsync(ScriptedModels.HouseImage), "image/png"), new TextContent("What is this?")]);
                var turns = new List<IReadOnlyDictionary<string, object?>>();
                foreach (string? followUp in new[] { null, "And what colour is the door?" })
                {
                    if (followUp is not null)
                    {
                        history.AddUserMessage(followUp);
                    }

                    (ChatMessageContent answer, IReadOnlyDictionary<string, object?> figures) = streaming ? await StreamAsync(chat, history) : await AskAsync(chat, history);
                    history.Add(answer);
                    turns.Add(figures);
                }

                return turns;
            });

        Assert.Equal(2, requests.Count);
        Assert.Equal(0, requests[0].ReusedPromptTokens);
        Assert.Equal(requests[0].PromptTokens + requests[0].CompletionTokens - 1, requests[1].ReusedPromptTokens); // all but the end token
        for (int i = 0; i < 2; i++)
        {
            var usage = Assert.IsType<UsageDetails>(metadata[i]["Usage"]);
            Assert.Equal(requests[i].PromptTokens, usage.InputTokenCount);
            Assert.Equal(requests[i].ReusedPromptTokens, usage.CachedInputTokenCount);
            Assert.Equal((long)requests[i].ReusedPromptTokens, metadata[i][VisPrunerPropertyNames.ReusedPromptTokens]);
            Assert.Equal("stop", metadata[i]["FinishReason"]);
        }
    }

    private static async Task<(ChatMessageContent, IReadOnlyDictionary<string, object?>)> AskAsync(IChatCompletionService chat, ChatHistory history)
    {
        ChatMessageContent answer = await chat.GetChatMessageContentAsync(history);
        return (answer, answer.Metadata!);
    }

    private static async Task<(ChatMessageContent, IReadOnlyDictionary<string, object?>)> StreamAsync(IChatCompletionService chat, ChatHistory history)
    {
        var text = new System.Text.StringBuilder();
        IReadOnlyDictionary<string, object?>? last = null;
        await foreach (StreamingChatMessageContent update in chat.GetStreamingChatMessageContentsAsync(history))
        {
            text.Append(update.Content);
            last = update.Metadata?.ContainsKey("FinishReason") == true ? update.Metadata : last;
        }

        return (new ChatMessageContent(AuthorRole.Assistant, text.ToString()), last!);
    }
}
