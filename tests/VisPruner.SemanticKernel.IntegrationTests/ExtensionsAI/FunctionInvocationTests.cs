using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;
using VisPruner.SemanticKernel.IntegrationTests.Snippets;

namespace VisPruner.SemanticKernel.IntegrationTests.ExtensionsAI;

/// <summary>The registered <see cref="IChatClient"/> in a Microsoft.Extensions.AI pipeline, without a kernel.</summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class FunctionInvocationTests(ScriptedModels models)
{
    [Fact]
    public async Task The_README_UseFunctionInvocation_example_invokes_the_AIFunction_and_answers_about_the_image()
    {
        (ChatResponse response, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Call("lookup_building"), Replies.Answer],
            async model =>
            {
                await using ServiceProvider provider = ChatClientServices.Build(model.Configure);
                return await AgentSnippets.FunctionInvocationAsync(provider.GetRequiredService<IChatClient>(), ScriptedModels.HouseImage);
            });

        Assert.Equal(Replies.Answer, response.Messages[^1].Text);
        Assert.Contains(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>(), r => r.Result?.ToString() == Replies.LookupResult);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.True(r.VisualTokens < r.VisualTokensBeforePruning));
    }

    [Fact]
    public async Task The_README_chat_client_example_streams_the_answer_about_the_image()
    {
        (string streamed, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Answer], model => AgentSnippets.ChatClientAsync(model.Folder, ScriptedModels.HouseImage));

        Assert.Equal(Replies.Answer, streamed);
        Assert.True(Assert.Single(requests).VisualTokens < requests[0].VisualTokensBeforePruning);
    }

    [Fact]
    public async Task The_registered_client_returns_calls_without_invoking_them()
    {
        (ChatResponse response, _) = await models.RunAsync([Replies.Call("lookup_building")], async model =>
        {
            await using ServiceProvider provider = ChatClientServices.Build(model.Configure);
            return await provider.GetRequiredService<IChatClient>().GetResponseAsync(
                "Look the house up.", new ChatOptions { Tools = [AIFunctionFactory.Create(BuildingPlugin.LookupBuilding, "lookup_building")] });
        });

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("lookup_building", Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()).Name);
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
    }
}
