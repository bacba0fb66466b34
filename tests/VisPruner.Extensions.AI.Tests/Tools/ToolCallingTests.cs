using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using VisPruner.Extensions.AI.Conversion;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Extensions.AI.Tests.Tools;

[Collection(TinyModelsGroup.Name)]
public sealed class ToolCallingTests(TinyModels models)
{
    private const string CallReply =
        "Let me look that up.\n<tool_call>\n{\"name\": \"lookup_species\", \"arguments\": {\"animal\": \"cat\", \"count\": 2}}\n</tool_call>";

    private static readonly AIFunction Lookup = AIFunctionFactory.Create(
        ([Description("The animal seen in the picture")] string animal, int count) => $"{count} x {animal}: Felis catus, a small domesticated carnivore.",
        "lookup_species",
        "Looks up the species of an animal.");

    private static readonly AIFunction Weather = AIFunctionFactory.Create((string city) => "sunny", "get_weather", "Gets the weather of a city.");

    private static List<ChatMessage> Question() =>
        [new(ChatRole.User, [new DataContent(TestImages.Bmp(336, 336, 9), "image/bmp"), new TextContent("Which species is the animal in the picture?")])];

    private static ChatOptions WithTools(ChatToolMode? mode = null, bool? allowMultiple = null) =>
        new() { Tools = [Lookup, Weather], ToolMode = mode, AllowMultipleToolCalls = allowMultiple };

    [Fact]
    public async Task A_tool_call_in_the_reply_becomes_a_FunctionCallContent_and_its_markup_is_not_streamed()
    {
        List<ChatMessage> messages = Question();
        ChatOptions options = WithTools();
        VisPrunerChatClient client = await models.ScriptedClientAsync(messages, options, CallReply);

        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(messages, options))
        {
            updates.Add(update);
        }

        string streamed = string.Concat(updates.Select(u => u.Text));
        Assert.Equal("Let me look that up.\n", streamed);
        Assert.DoesNotContain(updates, u => u.Text.Contains('<', StringComparison.Ordinal));
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);
        FunctionCallContent call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Contains(call, updates[^1].Contents);
        Assert.Equal("lookup_species", call.Name);
        Assert.Null(call.Exception);
        Assert.StartsWith("call_", call.CallId, StringComparison.Ordinal);
        Assert.Equal("cat", ((JsonElement)call.Arguments!["animal"]!).GetString());
        Assert.Equal(2, ((JsonElement)call.Arguments["count"]!).GetInt32());
    }

    [Fact]
    public async Task A_call_begun_before_the_token_limit_is_finished_past_it()
    {
        List<ChatMessage> messages = Question();
        int replyTokens = (await models.RandomClientAsync()).Engine.EncodeText(CallReply).Length;
        var options = new ChatOptions { Tools = [Lookup, Weather], MaxOutputTokens = replyTokens - 6 };
        VisPrunerChatClient client = await models.ScriptedClientAsync(messages, options, CallReply);

        ChatResponse response = await client.GetResponseAsync(messages, options);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(replyTokens, response.Usage!.OutputTokenCount);
        FunctionCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("cat", ((JsonElement)call.Arguments!["animal"]!).GetString());
    }

    [Fact]
    public async Task Without_constrained_decoding_a_call_cut_off_by_the_token_limit_ends_with_Length_and_yields_no_call()
    {
        List<ChatMessage> messages = Question();
        int replyTokens = (await models.RandomClientAsync()).Engine.EncodeText(CallReply).Length;
        var options = new ChatOptions { Tools = [Lookup, Weather], MaxOutputTokens = replyTokens - 6 };
        VisPrunerChatClient client = await models.ScriptedClientAsync(messages, options, CallReply, constrainReplies: false);

        ChatResponse response = await client.GetResponseAsync(messages, options);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(replyTokens - 6, response.Usage!.OutputTokenCount);
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("Let me look that up.\n", response.Text);
    }

    [Fact]
    public async Task A_limit_reached_after_a_complete_call_keeps_the_call()
    {
        string reply = CallReply + "\nI will now wait for the result of the lookup.";
        List<ChatMessage> messages = Question();
        int callTokens = (await models.RandomClientAsync()).Engine.EncodeText(CallReply).Length;
        var options = new ChatOptions { Tools = [Lookup, Weather], MaxOutputTokens = callTokens + 3 };
        VisPrunerChatClient client = await models.ScriptedClientAsync(messages, options, reply);

        ChatResponse response = await client.GetResponseAsync(messages, options);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        FunctionCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Null(call.Exception);
        Assert.Equal("cat", ((JsonElement)call.Arguments!["animal"]!).GetString());
    }

    [Fact]
    public async Task Call_ids_are_random_so_turns_never_reuse_them()
    {
        List<ChatMessage> messages = Question();
        ChatOptions options = WithTools();
        VisPrunerChatClient client = await models.ScriptedClientAsync(messages, options, CallReply);

        ChatResponse first = await client.GetResponseAsync(messages, options);
        ChatResponse second = await client.GetResponseAsync(messages, options);

        Assert.NotEqual(
            first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single().CallId,
            second.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single().CallId);
    }

    [Theory]
    [InlineData("<tool_call>\n{\"name\": \"lookup_species\", \"arguments\": \"{animal: cat\"}\n</tool_call>", "lookup_species")]
    [InlineData("<tool_call>\n{\"name\": \"lookup_species\", \"arguments\": {\"animal\": }\n</tool_call>", "lookup_species")]
    [InlineData("<tool_call>\nlookup the cat please\n</tool_call>", "unknown")]
    public async Task Malformed_call_json_lands_in_the_exception_and_never_throws(string reply, string name)
    {
        // Without constrained decoding a model can write anything inside a call block.
        List<ChatMessage> messages = Question();
        ChatOptions options = WithTools();
        VisPrunerChatClient client = await models.ScriptedClientAsync(messages, options, reply, constrainReplies: false);

        ChatResponse response = await client.GetResponseAsync(messages, options);

        FunctionCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(name, call.Name);
        Assert.NotNull(call.Exception);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.DoesNotContain("<tool_call>", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_ToolMode_None_tools_are_not_offered_and_call_markup_stays_text()
    {
        List<ChatMessage> messages = Question();
        ChatOptions none = WithTools(ChatToolMode.None);
        VisPrunerChatClient client = await models.ScriptedClientAsync(messages, none, CallReply);

        Assert.Equal(await models.PromptLengthAsync(messages, null), await models.PromptLengthAsync(messages, none));
        ChatResponse response = await client.GetResponseAsync(messages, none);

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(CallReply, response.Text);
    }

    [Fact]
    public async Task Tool_schemas_go_into_the_system_turn_and_RequireAny_asks_for_a_call()
    {
        string auto = await RenderAsync(Question(), WithTools());
        string required = await RenderAsync(Question(), WithTools(ChatToolMode.RequireAny));

        Assert.Contains("<tools>", auto, StringComparison.Ordinal);
        Assert.Contains("\"lookup_species\"", auto, StringComparison.Ordinal);
        Assert.Contains("The animal seen in the picture", auto, StringComparison.Ordinal);
        Assert.DoesNotContain("You must call", auto, StringComparison.Ordinal);
        Assert.Contains("You must call at least one of the functions", required, StringComparison.Ordinal);
        Assert.True(required.IndexOf("You must call", StringComparison.Ordinal) < required.IndexOf("<|user|>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequireSpecific_offers_only_that_function_and_an_unknown_name_is_rejected()
    {
        string prompt = await RenderAsync(Question(), WithTools(ChatToolMode.RequireSpecific("get_weather")));

        Assert.Contains("\"get_weather\"", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("\"lookup_species\"", prompt, StringComparison.Ordinal);
        Assert.Contains("You must call the function \"get_weather\"", prompt, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => RenderAsync(Question(), WithTools(ChatToolMode.RequireSpecific("fly"))));
        Assert.Contains("fly", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_multiple_calls_are_not_allowed_only_the_first_is_returned()
    {
        const string twoCalls =
            "<tool_call>\n{\"name\": \"lookup_species\", \"arguments\": {\"animal\": \"cat\", \"count\": 1}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>";
        List<ChatMessage> messages = Question();
        ChatOptions single = WithTools(allowMultiple: false);
        ChatOptions multiple = WithTools();
        VisPrunerChatClient singleClient = await models.ScriptedClientAsync(messages, single, twoCalls);
        VisPrunerChatClient multipleClient = await models.ScriptedClientAsync(messages, multiple, twoCalls);

        ChatResponse one = await singleClient.GetResponseAsync(messages, single);
        ChatResponse both = await multipleClient.GetResponseAsync(messages, multiple);

        Assert.Equal("lookup_species", Assert.Single(one.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()).Name);
        Assert.Equal(["lookup_species", "get_weather"], both.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.Name));
        Assert.Contains("Call at most one function", await RenderAsync(messages, single), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_other_than_functions_are_refused_by_type()
    {
        var options = new ChatOptions { Tools = [Lookup, new HostedWebSearchTool()] };

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => RenderAsync(Question(), options));

        Assert.Contains(nameof(HostedWebSearchTool), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Function_calls_and_results_in_the_history_are_rendered_back_into_the_prompt()
    {
        List<ChatMessage> history = Question();
        history.Add(new ChatMessage(ChatRole.Assistant,
            [new TextContent("Let me check."), new FunctionCallContent("call_abc", "lookup_species", new Dictionary<string, object?> { ["animal"] = "cat", ["count"] = 2 })]));
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_abc", new { species = "Felis catus" })]));

        string prompt = await RenderAsync(history, WithTools());

        Assert.Contains("<|assistant|>\nLet me check.\n<tool_call>\n{\"name\": \"lookup_species\", \"arguments\": {\"animal\": \"cat\", \"count\": 2}}\n</tool_call><|end|>", prompt, StringComparison.Ordinal);
        Assert.True(prompt.Contains("<|user|>\n<tool_response>\n{\"species\":\"Felis catus\"}\n</tool_response><|end|>\n<|assistant|>\n", StringComparison.Ordinal), prompt);
    }

    [Fact]
    public async Task Text_after_a_call_block_arrives_in_the_last_update()
    {
        const string reply = "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>\nOne moment.";
        List<ChatMessage> messages = Question();
        ChatOptions options = WithTools();
        VisPrunerChatClient client = await models.ScriptedClientAsync(messages, options, reply);

        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(messages, options))
        {
            updates.Add(update);
        }

        Assert.Equal("Checking.\n", string.Concat(updates.SkipLast(1).Select(u => u.Text)));
        Assert.Equal("One moment.", updates[^1].Text);
        Assert.Equal("get_weather", Assert.Single(updates[^1].Contents.OfType<FunctionCallContent>()).Name);
    }

    [Fact]
    public async Task Failed_results_and_results_sent_in_user_messages_are_rendered_as_tool_responses()
    {
        List<ChatMessage> history = Question();
        history.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]));
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", null) { Exception = new TimeoutException("the weather service timed out") }]));
        history.Add(new ChatMessage(ChatRole.User, [new FunctionResultContent("call_2", "12 degrees"), new TextContent("And tomorrow?")]));

        string prompt = await RenderAsync(history, WithTools());

        Assert.Contains("<tool_response>\nError: the weather service timed out\n</tool_response>", prompt, StringComparison.Ordinal);
        Assert.Contains("<tool_response>\n12 degrees\n</tool_response><|end|>\n<|user|>\nAnd tomorrow?<|end|>", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_minimal_agent_loop_calls_the_function_and_answers_with_its_result()
    {
        const string finalAnswer = "The animal is a cat, Felis catus.";
        var invocations = new List<string>();
        AIFunction lookup = AIFunctionFactory.Create(
            (string animal, int count) =>
            {
                invocations.Add($"{animal}:{count}");
                return "Felis catus";
            },
            "lookup_species",
            "Looks up the species of an animal.");
        var options = new ChatOptions { Tools = [lookup] };
        List<ChatMessage> conversation = Question();

        // The scripted models know one turn each: the first calls the tool, the second answers from its result.
        VisPrunerChatClient firstTurn = await models.ScriptedClientAsync(conversation, options, CallReply);
        ChatResponse response = await firstTurn.GetResponseAsync(conversation, options);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        conversation.AddMessages(response);
        conversation.Add(new ChatMessage(ChatRole.Tool, await InvokeAllAsync(response, options)));

        VisPrunerChatClient secondTurn = await models.ScriptedClientAsync(conversation, options, finalAnswer);
        ChatResponse answer = await secondTurn.GetResponseAsync(conversation, options);

        Assert.Equal(["cat:2"], invocations);
        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        Assert.Equal(finalAnswer, answer.Text);
        Assert.Contains("Felis catus", await RenderAsync(conversation, options), StringComparison.Ordinal);
    }

    private static async Task<List<AIContent>> InvokeAllAsync(ChatResponse response, ChatOptions options)
    {
        var results = new List<AIContent>();
        foreach (FunctionCallContent call in response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
        {
            AIFunction function = options.Tools!.OfType<AIFunction>().Single(f => f.Name == call.Name);
            results.Add(new FunctionResultContent(call.CallId, await function.InvokeAsync(new AIFunctionArguments(call.Arguments))));
        }

        return results;
    }

    private async Task<string> RenderAsync(IEnumerable<ChatMessage> messages, ChatOptions options)
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        PreparedChat chat = await ChatRequestBuilder.BuildAsync(messages, options, new VisPrunerChatClientOptions(), client, CancellationToken.None);
        return client.Engine.ChatTemplate.Render(chat.Request.Messages, new ChatTemplateOptions { Tools = chat.Request.Tools }).Text;
    }
}
