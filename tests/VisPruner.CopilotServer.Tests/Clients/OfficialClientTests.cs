using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using VisPruner.CopilotServer.Tests.Infrastructure;
using VisPruner.SemanticKernel.IntegrationTests.StructuredOutput;

namespace VisPruner.CopilotServer.Tests.Clients;

/// <summary>The official OpenAI .NET client against the server on the tiny random-weights model.</summary>
public sealed class OfficialClientTests(RandomModelServer fixture) : IClassFixture<RandomModelServer>
{
    private const string LookupSchema = """
        {"type": "object", "properties": {"kind": {"type": "string", "enum": ["house", "barn", "tower"]}, "colour": {"type": "string", "maxLength": 12}},
         "required": ["kind", "colour"], "additionalProperties": false}
        """;

    private readonly ChatClient _chat = OpenAIClients.Chat(fixture.Server);

    private static UserChatMessage Question(string text) => new(
        ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(TestImages.Bmp(96, 64)), "image/bmp", ChatImageDetailLevel.Low),
        ChatMessageContentPart.CreateTextPart(text));

    [Fact]
    public async Task Streaming_says_what_the_plain_answer_says_with_one_id_and_the_same_usage()
    {
        ChatMessage[] messages = [new SystemChatMessage("Answer briefly."), Question("What is in this picture?")];
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 12 };

        ChatCompletion plain = await _chat.CompleteChatAsync(messages, options);
        StreamedCompletion streamed = await OpenAIClients.StreamAsync(_chat, messages, options);

        Assert.NotEmpty(plain.Content[0].Text);
        Assert.Equal(plain.Content[0].Text, streamed.Text);
        Assert.Equal(ChatFinishReason.Length, plain.FinishReason);
        Assert.Equal(plain.FinishReason, streamed.FinishReason);
        Assert.Equal(fixture.Server.Model, plain.Model);
        Assert.Single(streamed.Updates.Select(u => (u.CompletionId, u.CreatedAt)).Distinct());
        Assert.StartsWith("chatcmpl-", plain.Id, StringComparison.Ordinal);

        // The client asks for usage on streams; it comes once, at the end, equal to the plain answer's.
        Assert.NotNull(streamed.Usage);
        Assert.Same(streamed.Updates[^1].Usage, streamed.Usage);
        Assert.Equal(plain.Usage.InputTokenCount, streamed.Usage.InputTokenCount);
        Assert.Equal(12, plain.Usage.OutputTokenCount);
        Assert.Equal(12, streamed.Usage.OutputTokenCount);
        Assert.Equal(plain.Usage.InputTokenCount + 12, plain.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task A_required_tool_gets_a_valid_call_streamed_or_not()
    {
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("lookup_building", "Looks a building up.", BinaryData.FromString(LookupSchema)) },
            ToolChoice = ChatToolChoice.CreateRequiredChoice(),
            AllowParallelToolCalls = false,
            MaxOutputTokenCount = 8,
        };
        ChatMessage[] messages = [Question("Look this building up.")];

        ChatCompletion plain = await _chat.CompleteChatAsync(messages, options);
        StreamedCompletion streamed = await OpenAIClients.StreamAsync(_chat, messages, options);

        Assert.Equal(ChatFinishReason.ToolCalls, plain.FinishReason);
        ChatToolCall call = Assert.Single(plain.ToolCalls);
        Assert.Equal("lookup_building", call.FunctionName);
        Assert.False(string.IsNullOrEmpty(call.Id));
        AssertValid(LookupSchema, call.FunctionArguments.ToString());

        Assert.Equal(ChatFinishReason.ToolCalls, streamed.FinishReason);
        (string id, string name, string arguments) = Assert.Single(streamed.Calls);
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal("lookup_building", name);
        Assert.Equal(call.FunctionArguments.ToString(), arguments);
    }

    [Fact]
    public async Task A_named_tool_choice_calls_that_tool_and_the_result_goes_back_as_a_tool_message()
    {
        var options = new ChatCompletionOptions
        {
            Tools =
            {
                ChatTool.CreateFunctionTool("lookup_building", "Looks a building up.", BinaryData.FromString(LookupSchema)),
                ChatTool.CreateFunctionTool("get_time", "The time of day.", BinaryData.FromString("""{"type": "object", "properties": {}}""")),
            },
            ToolChoice = ChatToolChoice.CreateFunctionChoice("get_time"),
            MaxOutputTokenCount = 8,
        };
        var messages = new List<ChatMessage> { Question("What time is it?") };

        ChatCompletion first = await _chat.CompleteChatAsync(messages, options);
        Assert.All(first.ToolCalls, c => Assert.Equal("get_time", c.FunctionName));

        messages.Add(new AssistantChatMessage(first.ToolCalls));
        messages.AddRange(first.ToolCalls.Select(c => new ToolChatMessage(c.Id, "12:00")));
        options.ToolChoice = ChatToolChoice.CreateNoneChoice();
        ChatCompletion second = await _chat.CompleteChatAsync(messages, options);
        ChatCompletion withoutResult = await _chat.CompleteChatAsync([Question("What time is it?")], options);

        Assert.Empty(second.ToolCalls);
        Assert.Equal(ChatFinishReason.Length, second.FinishReason);
        Assert.True(second.Usage.InputTokenCount > withoutResult.Usage.InputTokenCount, "the call and its result are part of the prompt");
    }

    [Fact]
    public async Task A_strict_json_schema_gets_a_document_valid_for_it()
    {
        const string Schema = """
            {"type": "object", "properties": {"colour": {"type": "string", "enum": ["red", "yellow", "white"]}, "count": {"type": "integer", "minimum": 0, "maximum": 9}},
             "required": ["colour", "count"], "additionalProperties": false}
            """;
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("scene", BinaryData.FromString(Schema), jsonSchemaIsStrict: true),
            MaxOutputTokenCount = 4,
        };

        ChatCompletion plain = await _chat.CompleteChatAsync([Question("Describe the scene as JSON.")], options);
        StreamedCompletion streamed = await OpenAIClients.StreamAsync(_chat, [Question("Describe the scene as JSON.")], options);

        // A constrained reply finishes even past max_tokens.
        Assert.Equal(ChatFinishReason.Stop, plain.FinishReason);
        AssertValid(Schema, plain.Content[0].Text);
        Assert.Equal(plain.Content[0].Text, streamed.Text);
    }

    [Fact]
    public async Task A_json_object_format_gets_a_json_object()
    {
        ChatCompletion reply = await _chat.CompleteChatAsync(
            [new UserChatMessage("Reply with JSON.")],
            new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat(), MaxOutputTokenCount = 8 });

        using JsonDocument document = JsonDocument.Parse(reply.Content[0].Text);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }

    [Fact]
    public async Task The_pruning_budget_rides_in_the_vispruner_object_the_client_patches_in()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 2 };
#pragma warning disable SCME0001 // JsonPatch: extra request fields
        options.Patch.Set("$.vispruner.tokens_per_image"u8, 16);
#pragma warning restore SCME0001

        System.ClientModel.ClientResult<ChatCompletion> reply = await _chat.CompleteChatAsync([Question("What is in this picture?")], options);
        ChatCompletion plain = await _chat.CompleteChatAsync([Question("What is in this picture?")], new ChatCompletionOptions { MaxOutputTokenCount = 2 });

        JsonNode pruned = JsonNode.Parse(reply.GetRawResponse().Content.ToString())!["usage"]!;
        Assert.True(pruned["prompt_tokens"]!.GetValue<int>() < plain.Usage.InputTokenCount);
        Assert.True(pruned["vispruner"]!["visual_tokens"]!.GetValue<int>() < pruned["vispruner"]!["visual_tokens_before_pruning"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_models_list_names_the_served_model()
    {
        OpenAI.Models.OpenAIModelClient models = OpenAIClients.For(fixture.Server).GetOpenAIModelClient();

        OpenAI.Models.OpenAIModelCollection list = await models.GetModelsAsync();

        Assert.Equal([RandomModelServer.ModelName], list.Select(m => m.Id));
        Assert.Equal(RandomModelServer.ModelName, (await models.GetModelAsync(RandomModelServer.ModelName)).Value.Id);
    }

    private static void AssertValid(string schema, string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.Null(SchemaOracle.Check(JsonNode.Parse(schema)!, document.RootElement));
    }
}
