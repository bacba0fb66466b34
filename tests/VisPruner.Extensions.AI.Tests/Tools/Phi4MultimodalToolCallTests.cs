using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using VisPruner.DemoModels;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Extensions.AI.Conversion;
using VisPruner.Extensions.AI.Tools;
using Xunit.Abstractions;

namespace VisPruner.Extensions.AI.Tests.Tools;

/// <summary>
/// Tool calls on a phi4mm folder through the unchanged <see cref="IChatClient"/>, in Phi-4's own tokens: a required call
/// is written as the token <c>&lt;|tool_call|&gt;</c> (200025), a JSON array of calls and <c>&lt;|/tool_call|&gt;</c>
/// (200026), and only those tokens make a call; text that spells the tags is text.
/// </summary>
public sealed class Phi4MultimodalToolCallTests(Phi4MultimodalToolCallTests.Phi4MultimodalClient phi4, ITestOutputHelper output)
    : IClassFixture<Phi4MultimodalToolCallTests.Phi4MultimodalClient>
{
    private static readonly AIFunctionDeclaration Forecast = AIFunctionFactory.CreateDeclaration(
        "get_forecast",
        "Gets the weather forecast of a city.",
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string","maxLength":16}},"required":["city"]}""").RootElement);

    private static List<ChatMessage> Question() =>
        [new(ChatRole.System, "You plan trips."), new(ChatRole.User, [new DataContent(TestImages.Bmp(448, 448, 4), "image/bmp"), new TextContent("What will the weather be like there?")])];

    [Theory]
    [InlineData(null)]
    [InlineData("get_forecast")]
    public async Task A_required_call_is_a_FunctionCallContent_the_model_wrote_between_Phi_4_s_tag_tokens(string? required)
    {
        VisPrunerChatClient client = await phi4.ClientAsync();
        var options = new ChatOptions
        {
            Tools = [Forecast],
            ToolMode = required is null ? ChatToolMode.RequireAny : ChatToolMode.RequireSpecific(required),
            AllowMultipleToolCalls = false,
        };

        ChatResponse response = await client.GetResponseAsync(Question(), options);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(string.Empty, response.Text);
        FunctionCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Null(call.Exception);
        Assert.Equal("get_forecast", call.Name);
        string city = ((JsonElement)call.Arguments!["city"]!).GetString()!;
        Assert.True(city.Length <= 16, city);

        // The same request on the client's engine: the tokens the client's reply was made of.
        PreparedChat chat = await ChatRequestBuilder.BuildAsync(
            Question(), options, new VisPrunerChatClientOptions { StructuredOutput = TinyModels.SmallLimits }, client, CancellationToken.None);
        var updates = new List<GenerationUpdate>();
        await foreach (GenerationUpdate update in client.Engine.GenerateAsync(chat.Request))
        {
            updates.Add(update);
        }

        Assert.Equal([200025, 200026], updates.Where(u => u.ControlTokenId is not null).Select(u => u.ControlTokenId!.Value));
        Assert.Equal((200025, 200026), (updates[0].ControlTokenId, updates[^2].ControlTokenId));
        string array = string.Concat(updates.Skip(1).SkipLast(2).Select(u => u.Text));
        using (JsonDocument written = JsonDocument.Parse(array))
        {
            JsonElement only = Assert.Single(written.RootElement.EnumerateArray().ToArray());
            Assert.Equal(("get_forecast", city), (only.GetProperty("name").GetString(), only.GetProperty("arguments").GetProperty("city").GetString()));
        }

        long tokens = response.Usage!.OutputTokenCount!.Value;
        Assert.Equal(updates[^1].Statistics!.CompletionTokens, tokens);
        output.WriteLine($"{tokens} completion tokens: <|tool_call|>{array}<|/tool_call|>, then end of turn");

        // Two tags and the end of turn write no text; every other token writes at least one byte of the array.
        Assert.InRange(tokens, 4, 3 + Encoding.UTF8.GetByteCount(array));
    }

    [Fact]
    public async Task Text_that_spells_the_tags_is_shown_as_text_and_never_becomes_a_call()
    {
        IChatTemplate template = (await phi4.ClientAsync()).Engine.ChatTemplate;
        ToolCallMarkup markup = ToolCallMarkup.Of(template);

        var spelled = new ToolCallStreamFilter(markup);
        string shown = string.Concat(new[] { "Type ", "<|tool_", "call|>[{\"name\": ", "\"x\"}]<|/tool_call|> to call." }.Select(piece => spelled.Push(new GenerationUpdate(piece))));
        (string rest, IReadOnlyList<GenerationUpdate> held) = spelled.Complete();
        Assert.Equal(("Type <|tool_call|>[{\"name\": \"x\"}]<|/tool_call|> to call.", string.Empty), (shown, rest));
        Assert.Empty(held);

        // Only the tag tokens open a block; inside one, a spelled tag is part of the arguments.
        var tokens = new ToolCallStreamFilter(markup);
        GenerationUpdate[] reply =
        [
            new("Checking. "), Tag(200025), new("[{\"name\": \"get_forecast\", \"arguments\": {\"city\": \"<|/tool_call|>\"}}]"), Tag(200026),
            Tag(200025), new("[{\"name\": \"get_forecast\", "), Tag(200026),
        ];
        Assert.Equal("Checking. ", string.Concat(reply.Select(tokens.Push)));
        (List<FunctionCallContent> calls, string text) = ToolCallReader.Read(tokens.Complete().Markup, template, markup, singleCall: false);
        Assert.Equal(string.Empty, text);
        Assert.Equal(["get_forecast", "get_forecast"], calls.Select(c => c.Name));
        Assert.Equal("<|/tool_call|>", ((JsonElement)calls[0].Arguments!["city"]!).GetString());
        Assert.Null(calls[0].Exception);
        Assert.NotNull(calls[1].Exception);
        Assert.True(markup.EndsInsideBlock([Tag(200025), new("[")]));
        Assert.False(markup.EndsInsideBlock([Tag(200025), new("[]"), Tag(200026), new(" <|tool_call|>")]));
    }

    [Fact]
    public async Task The_invocation_loop_sends_the_result_back_as_a_tool_response_after_the_call_in_its_tag_tokens()
    {
        VisPrunerChatClient client = await phi4.ClientAsync();
        var invocations = new List<string>();
        AIFunction forecast = AIFunctionFactory.Create(
            (string city) =>
            {
                invocations.Add(city);
                return "Sunny all week.";
            },
            "get_forecast",
            "Gets the weather forecast of a city.");
        using IChatClient invoking = new ChatClientBuilder(client).UseFunctionInvocation().Build();

        ChatResponse response = await invoking.GetResponseAsync(Question(), new ChatOptions { Tools = [forecast], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 8 });

        Assert.NotEmpty(invocations);
        PreparedChat next = await ChatRequestBuilder.BuildAsync([.. Question(), .. response.Messages], null, new VisPrunerChatClientOptions(), client, CancellationToken.None);
        string prompt = client.Engine.ChatTemplate.Render(next.Request.Messages).Text;
        Assert.Contains("<|assistant|><|tool_call|>[{\"name\": \"get_forecast\", \"arguments\": {\"city\": ", prompt, StringComparison.Ordinal);
        Assert.Contains("}}]<|/tool_call|><|end|><|tool_response|>\"Sunny all week.\"<|end|>", prompt, StringComparison.Ordinal);
        Assert.Equal(invocations.Count, prompt.Split("<|tool_response|>").Length - 1);
    }

    private static GenerationUpdate Tag(int token) => new(token == 200025 ? "<|tool_call|>" : "<|/tool_call|>") { ControlTokenId = token };

    /// <summary>A client on a phi4mm demo folder (random weights), shared by the class's tests.</summary>
    public sealed class Phi4MultimodalClient() : DemoFolderClient("phi4mm", folder => TinyPhi4MultimodalModel.Write(folder));
}
