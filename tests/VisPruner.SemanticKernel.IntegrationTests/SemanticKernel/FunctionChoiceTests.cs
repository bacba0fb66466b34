using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;
using VisPruner.Engine.Generation;
using VisPruner.SemanticKernel.IntegrationTests.Snippets;
using UsageDetails = Microsoft.Extensions.AI.UsageDetails;

namespace VisPruner.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>Semantic Kernel's function calling through <see cref="IChatCompletionService"/>: the kernel invokes the functions.</summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class FunctionChoiceTests(ScriptedModels models)
{
    private const string KernelFunctionName = "buildings_lookup_building";

    private static Kernel NewKernel(ScriptedModel model, List<string> invocations)
    {
        IKernelBuilder builder = Kernel.CreateBuilder().AddVisPrunerChatCompletion(model.Configure);
        builder.Plugins.AddFromFunctions("buildings",
        [
            KernelFunctionFactory.CreateFromMethod(
                (string kind, string? colour) =>
                {
                    lock (invocations)
                    {
                        invocations.Add($"{kind}/{colour}");
                    }

                    return BuildingPlugin.LookupBuilding(kind, colour);
                },
                "lookup_building",
                "Looks up what a buyer should know about a kind of building."),
        ]);
        return builder.Build();
    }

    private static ChatHistory Question() =>
    [
        new ChatMessageContent(AuthorRole.User,
        [
            new ImageContent(File.ReadAllBytes(ScriptedModels.HouseImage), "image/png"),
            new TextContent("What kind of building is this, and what should a buyer know?"),
        ]),
    ];

    [Fact]
    public async Task The_README_example_registers_with_one_call_and_Auto_invokes_the_kernel_function_on_an_image()
    {
        (ChatHistory history, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Call(KernelFunctionName), Replies.Answer],
            model => SemanticKernelSnippets.SemanticKernelAsync(model.Folder, ScriptedModels.HouseImage));

        // user question, the model's call, the function's result, the model's answer
        Assert.Equal([AuthorRole.User, AuthorRole.Assistant, AuthorRole.Tool, AuthorRole.Assistant], history.Select(m => m.Role));
        FunctionCallContent call = Assert.Single(history[1].Items.OfType<FunctionCallContent>());
        Assert.Equal(("buildings", "lookup_building"), (call.PluginName, call.FunctionName));
        Assert.Equal("house", call.Arguments!["kind"]?.ToString());
        Assert.Equal(Replies.LookupResult, Assert.Single(history[2].Items.OfType<FunctionResultContent>()).Result?.ToString());
        Assert.Equal(Replies.Answer, history[3].Content);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.True(r.VisualTokens < r.VisualTokensBeforePruning, "the image reached the model and was pruned"));
        Assert.True(requests[1].PromptTokens > requests[0].PromptTokens + await models.TokenCountAsync(Replies.LookupResult), "the result went back to the model");
        Assert.Equal("stop", history[3].Metadata!["FinishReason"]);
        Assert.Equal((long)requests[1].VisualTokens, history[3].Metadata![VisPrunerPropertyNames.VisualTokens]);

        // Usage is summed over the loop's requests, so it holds only summable counts; the other figures are each request's.
        var usage = Assert.IsType<UsageDetails>(history[3].Metadata!["Usage"]);
        Assert.Equal(requests[0].PromptTokens + requests[1].PromptTokens, usage.InputTokenCount);
        Assert.Equal(requests[0].ReusedPromptTokens + requests[1].ReusedPromptTokens, usage.CachedInputTokenCount);
        Assert.DoesNotContain(VisPrunerPropertyNames.PeakKvCacheBytes, usage.AdditionalCounts!.Keys);
        Assert.DoesNotContain(VisPrunerPropertyNames.TimeToFirstTokenMicroseconds, usage.AdditionalCounts.Keys);
        Assert.Equal((long)requests[1].ReusedPromptTokens, history[3].Metadata![VisPrunerPropertyNames.ReusedPromptTokens]);
        Assert.True((long)history[3].Metadata![VisPrunerPropertyNames.TimeToFirstTokenMicroseconds]! > 0);

        // Each request's cache grows with its own tokens at the same bytes per token: a sum over the loop would not.
        long callPeak = (long)history[1].Metadata![VisPrunerPropertyNames.PeakKvCacheBytes]!;
        long answerPeak = (long)history[3].Metadata![VisPrunerPropertyNames.PeakKvCacheBytes]!;
        Assert.Equal(callPeak * (requests[1].PromptTokens + requests[1].CompletionTokens), answerPeak * (requests[0].PromptTokens + requests[0].CompletionTokens));
    }

    [Fact]
    public async Task Streaming_with_Auto_invokes_the_function_and_streams_the_final_answer()
    {
        var invocations = new List<string>();
        ChatHistory history = Question();
        ((string streamed, List<StreamingChatMessageContent> ends), IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Call(KernelFunctionName), Replies.Answer],
            async model =>
            {
                invocations.Clear();
                history = Question();
                Kernel kernel = NewKernel(model, invocations);
                var text = new System.Text.StringBuilder();
                var requestEnds = new List<StreamingChatMessageContent>();
                await foreach (StreamingChatMessageContent update in kernel.GetRequiredService<IChatCompletionService>().GetStreamingChatMessageContentsAsync(
                    history, new VisPrunerPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, kernel))
                {
                    text.Append(update.Content);
                    if (update.Metadata?.ContainsKey("FinishReason") == true)
                    {
                        requestEnds.Add(update);
                    }
                }

                return (text.ToString(), requestEnds);
            });

        Assert.Equal(["house/red"], invocations);
        Assert.Equal(Replies.BeforeCall + Replies.Answer, streamed);
        Assert.Equal(2, requests.Count);
        FunctionResultContent result = Assert.Single(history.SelectMany(m => m.Items).OfType<FunctionResultContent>());
        Assert.Equal(Replies.LookupResult, result.Result?.ToString());
        Assert.Equal(("buildings", "lookup_building"), (result.PluginName, result.FunctionName));
        FunctionCallContent call = Assert.Single(history.SelectMany(m => m.Items).OfType<FunctionCallContent>());
        Assert.Equal(("buildings", "lookup_building", call.Id), (call.PluginName, call.FunctionName, result.CallId));

        // Each request's last update reports that request's figures, usage included (streaming does not sum).
        Assert.Equal(2, ends.Count);
        Assert.All(ends, end =>
        {
            GenerationStatistics statistics = ((GenerationUpdate)end.InnerContent!).Statistics!;
            var usage = Assert.IsType<UsageDetails>(end.Metadata!["Usage"]);
            Assert.Equal(statistics.PromptTokens, usage.InputTokenCount);
            Assert.Equal(statistics.ReusedPromptTokens, usage.CachedInputTokenCount);
            Assert.Equal((long)statistics.ReusedPromptTokens, end.Metadata[VisPrunerPropertyNames.ReusedPromptTokens]);
            Assert.Equal(statistics.PeakKvCacheBytes, end.Metadata[VisPrunerPropertyNames.PeakKvCacheBytes]);
            Assert.Equal(statistics.TimeToFirstToken.Ticks / TimeSpan.TicksPerMicrosecond, end.Metadata[VisPrunerPropertyNames.TimeToFirstTokenMicroseconds]);
            Assert.DoesNotContain(VisPrunerPropertyNames.PeakKvCacheBytes, usage.AdditionalCounts!.Keys);
        });
        Assert.Equal([requests[0].PromptTokens, requests[1].PromptTokens], ends.Select(e => ((GenerationUpdate)e.InnerContent!).Statistics!.PromptTokens));
    }

    [Fact]
    public async Task Required_asks_for_a_call_invokes_it_and_ends_with_the_answer()
    {
        var invocations = new List<string>();
        (ChatMessageContent answer, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.CallOnly(KernelFunctionName), Replies.Answer],
            model => AskAsync(model, FunctionChoiceBehavior.Required(), invocations));
        (_, IReadOnlyList<ModelRequest> auto) = await ScriptedModels.RecordAsync(models.Random, model => AskAsync(model, FunctionChoiceBehavior.Auto(autoInvoke: false), [], maxTokens: 1));

        Assert.Equal(["house/red"], invocations[^1..]);
        Assert.Equal(Replies.Answer, answer.Content);
        Assert.Equal(2, requests.Count);
        Assert.True(requests[0].PromptTokens > auto[0].PromptTokens, "Required adds its instruction to the prompt");
    }

    [Fact]
    public async Task None_offers_no_functions_and_the_model_answers_directly()
    {
        var invocations = new List<string>();
        (ChatMessageContent answer, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Answer], model => AskAsync(model, FunctionChoiceBehavior.None(), invocations));
        (_, IReadOnlyList<ModelRequest> plain) = await ScriptedModels.RecordAsync(models.Random, model => AskAsync(model, behavior: null, [], maxTokens: 1));

        Assert.Empty(invocations);
        Assert.Equal(Replies.Answer, answer.Content);
        Assert.Equal(plain[0].PromptTokens, Assert.Single(requests).PromptTokens);
    }

    [Fact]
    public async Task Auto_without_auto_invoke_returns_a_call_the_caller_can_invoke_on_the_kernel()
    {
        var invocations = new List<string>();
        Kernel? kernel = null;
        (ChatMessageContent answer, _) = await models.RunAsync([Replies.Call(KernelFunctionName)], model =>
        {
            kernel = NewKernel(model, invocations);
            var settings = new VisPrunerPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) };
            return kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(Question(), settings, kernel);
        });

        Assert.Empty(invocations);
        FunctionCallContent call = Assert.Single(answer.Items.OfType<FunctionCallContent>());
        Assert.Equal(("buildings", "lookup_building"), (call.PluginName, call.FunctionName));
        Assert.Equal("tool_calls", answer.Metadata!["FinishReason"]);
        FunctionResultContent result = await call.InvokeAsync(kernel!);
        Assert.Equal(Replies.LookupResult, result.Result?.ToString());
        Assert.Equal(["house/red"], invocations);
    }

    [Fact]
    public async Task A_call_begun_before_max_tokens_is_finished_past_it_and_invoked()
    {
        var invocations = new List<string>();
        int limit = await models.TokenCountAsync(Replies.Call(KernelFunctionName)) - 5;
        (ChatMessageContent answer, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Call(KernelFunctionName), Replies.Answer],
            model =>
            {
                invocations.Clear(); // the fixture runs the scenario more than once to learn its prompts
                return AskAsync(model, FunctionChoiceBehavior.Auto(), invocations, maxTokens: limit);
            });

        Assert.Equal(["house/red"], invocations);
        Assert.Equal(Replies.Answer, answer.Content);
        Assert.True(requests[0].CompletionTokens > limit, $"the call ran {requests[0].CompletionTokens} tokens, past the limit of {limit}");
    }

    private async Task<ChatMessageContent> AskAsync(ScriptedModel model, FunctionChoiceBehavior? behavior, List<string> invocations, int? maxTokens = null)
    {
        Kernel kernel = NewKernel(model, invocations);
        var settings = new VisPrunerPromptExecutionSettings { FunctionChoiceBehavior = behavior, MaxTokens = maxTokens };
        return await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(Question(), settings, kernel);
    }
}
