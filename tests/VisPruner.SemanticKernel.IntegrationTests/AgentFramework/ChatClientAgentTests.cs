using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;
using VisPruner.SemanticKernel.IntegrationTests.Snippets;

namespace VisPruner.SemanticKernel.IntegrationTests.AgentFramework;

/// <summary>Microsoft Agent Framework's <see cref="ChatClientAgent"/> over the registered <see cref="IChatClient"/>.</summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class ChatClientAgentTests(ScriptedModels models)
{
    [Fact]
    public async Task The_README_agent_runs_and_streams_with_an_image_and_a_tool()
    {
        ((AgentResponse answer, List<AgentResponseUpdate> streamed), IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Call("lookup_building"), Replies.Answer],
            async model =>
            {
                await using ServiceProvider provider = ChatClientServices.Build(model.Configure);
                return await AgentSnippets.AgentFrameworkAsync(provider.GetRequiredService<IChatClient>(), ScriptedModels.HouseImage);
            });

        Assert.Equal(Replies.Answer, answer.Messages[^1].Text);
        Assert.Contains(answer.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>(), r => r.Result?.ToString() == Replies.LookupResult);
        Assert.Equal(Replies.BeforeCall + Replies.Answer, string.Concat(streamed.Select(u => u.Text)));
        Assert.Contains(streamed.SelectMany(u => u.Contents).OfType<FunctionResultContent>(), r => r.Result?.ToString() == Replies.LookupResult);
        Assert.Equal(4, requests.Count); // call and answer, twice
        Assert.All(requests, r => Assert.True(r.VisualTokens < r.VisualTokensBeforePruning, "the image reached the model and was pruned"));
    }
}
