using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VisPruner.Extensions.AI.Tests.Tools;

/// <summary>
/// Requirements are enforced while decoding: even the random-weights demo model, which never chooses to call a tool, to
/// write JSON or to stop by itself, emits parseable calls to offered tools with schema-valid arguments when a call is
/// required, and JSON that follows the schema when a JSON response format is asked for, and the reply finishes. (The
/// property test over generated schemas is in the integration tests.)
/// </summary>
[Collection(TinyModelsGroup.Name)]
public sealed class ConstrainedDecodingTests(TinyModels models)
{
    private static readonly AIFunctionDeclaration Forecast = AIFunctionFactory.CreateDeclaration(
        "get_forecast",
        "Gets the weather forecast of a city.",
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string","maxLength":16},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","days"]}""").RootElement);

    private static readonly AIFunctionDeclaration Alarm = AIFunctionFactory.CreateDeclaration(
        "set_alarm",
        "Sets an alarm.",
        JsonDocument.Parse("""{"type":"object","properties":{"hour":{"type":"integer","minimum":0,"maximum":23}},"required":["hour"]}""").RootElement);

    private static readonly string[] Colours = ["red", "green", "blue"];

    private static List<ChatMessage> Question() =>
        [new(ChatRole.User, [new DataContent(TestImages.Bmp(336, 336, 4), "image/bmp"), new TextContent("What will the weather be like there?")])];

    [Theory]
    [InlineData(null)]
    [InlineData("set_alarm")]
    public async Task A_required_call_is_a_parseable_call_to_an_offered_tool_with_schema_valid_arguments(string? required)
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        var options = new ChatOptions
        {
            Tools = [Forecast, Alarm],
            ToolMode = required is null ? ChatToolMode.RequireAny : ChatToolMode.RequireSpecific(required),
            MaxOutputTokens = 200,
        };

        ChatResponse response = await client.GetResponseAsync(Question(), options);

        Assert.True(response.Messages.SelectMany(m => m.Contents).Any(c => c is FunctionCallContent), $"no call in: {response.Text} ({response.FinishReason})");
        FunctionCallContent call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().First();
        Assert.Null(call.Exception);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        if (required is not null)
        {
            Assert.Equal(required, call.Name);
        }

        IDictionary<string, object?> arguments = call.Arguments!;
        if (call.Name == "set_alarm")
        {
            Assert.InRange(((JsonElement)arguments["hour"]!).GetInt32(), 0, 23);
        }
        else
        {
            Assert.Equal("get_forecast", call.Name);
            Assert.True(((JsonElement)arguments["city"]!).GetString()!.Length <= 16);
            Assert.InRange(((JsonElement)arguments["days"]!).GetInt32(), 1, 7);
        }
    }

    [Fact]
    public async Task A_JSON_response_format_with_a_schema_gives_JSON_that_follows_it()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        JsonElement schema = JsonDocument.Parse("""{"type":"object","properties":{"colour":{"enum":["red","green","blue"]},"count":{"type":"integer","minimum":0,"maximum":9}},"required":["colour","count"],"additionalProperties":false}""").RootElement;
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "answer"), MaxOutputTokens = 200 };

        ChatResponse response = await client.GetResponseAsync(Question(), options);

        using JsonDocument reply = JsonDocument.Parse(response.Text);
        Assert.Contains(reply.RootElement.GetProperty("colour").GetString(), Colours);
        Assert.InRange(reply.RootElement.GetProperty("count").GetInt32(), 0, 9);
        Assert.Equal(2, reply.RootElement.EnumerateObject().Count());
    }

    [Fact]
    public async Task A_plain_JSON_response_format_gives_a_non_empty_object_that_finishes()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.Json, MaxOutputTokens = 4 };

        ChatResponse response = await client.GetResponseAsync(Question(), options);

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        using JsonDocument reply = JsonDocument.Parse(response.Text);
        Assert.Equal(JsonValueKind.Object, reply.RootElement.ValueKind);
        Assert.NotEmpty(reply.RootElement.EnumerateObject());
    }

    [Fact]
    public async Task A_required_call_finishes_even_when_the_token_limit_is_shorter_than_the_call()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        var options = new ChatOptions { Tools = [Forecast], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 1 };

        ChatResponse response = await client.GetResponseAsync(Question(), options);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.True(response.Usage!.OutputTokenCount > 1, "the budget was raised to fit the call");
        Assert.All(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>(), call => Assert.Null(call.Exception));
    }

    [Fact]
    public async Task A_tool_whose_schema_is_not_an_object_is_refused_naming_it()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        AIFunctionDeclaration broken = AIFunctionFactory.CreateDeclaration("broken", null, JsonDocument.Parse("[1,2,3]").RootElement);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync(Question(), new ChatOptions { Tools = [broken], ToolMode = ChatToolMode.RequireAny }));
        Assert.Contains("'broken'", ex.Message, StringComparison.Ordinal);
    }
}
