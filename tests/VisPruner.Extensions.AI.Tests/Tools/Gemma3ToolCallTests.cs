using System.Text.Json;
using Microsoft.Extensions.AI;
using VisPruner.DemoModels;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Extensions.AI.Conversion;
using Xunit.Abstractions;

namespace VisPruner.Extensions.AI.Tests.Tools;

/// <summary>
/// Tool calls on a gemma3 folder through the unchanged <see cref="IChatClient"/>: Gemma 3 has no tool syntax, so its
/// template offers the functions in Google's JSON convention and calls come back as <c>```tool_call</c> blocks holding
/// <c>{"name", "parameters"}</c>; a required call, enforced while decoding, is a parseable call with schema-valid
/// arguments even from the random-weights demo model, and the invocation loop hands its result back.
/// </summary>
public sealed class Gemma3ToolCallTests(Gemma3ToolCallTests.Gemma3Client gemma, ITestOutputHelper output) : IClassFixture<Gemma3ToolCallTests.Gemma3Client>
{
    private static readonly AIFunctionDeclaration Forecast = AIFunctionFactory.CreateDeclaration(
        "get_forecast",
        "Gets the weather forecast of a city.",
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string","maxLength":16},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","days"]}""").RootElement);

    private static List<ChatMessage> Question() =>
        [new(ChatRole.System, "You plan trips."), new(ChatRole.User, [new DataContent(TestImages.Bmp(640, 480, 4), "image/bmp"), new TextContent("What will the weather be like there?")])];

    [Fact]
    public async Task The_first_user_turn_offers_the_functions_in_Google_s_JSON_convention_and_asks_for_a_required_call()
    {
        VisPrunerChatClient client = await gemma.ClientAsync();
        PreparedChat chat = await ChatRequestBuilder.BuildAsync(Question(), new ChatOptions { Tools = [Forecast], ToolMode = ChatToolMode.RequireAny }, new VisPrunerChatClientOptions(), client, CancellationToken.None);
        string prompt = client.Engine.ChatTemplate.Render(chat.Request.Messages, new ChatTemplateOptions { Tools = chat.Request.Tools }).Text;

        Assert.StartsWith("<bos><start_of_turn>user\nYou plan trips.", prompt, StringComparison.Ordinal);
        int offer = prompt.IndexOf("```tool_call\n{\"name\": function name, \"parameters\": dictionary of argument name and its value}\n```", StringComparison.Ordinal);
        Assert.True(offer > prompt.IndexOf("You must call at least one of the functions", StringComparison.Ordinal), prompt);
        Assert.True(prompt.IndexOf("\"get_forecast\"", StringComparison.Ordinal) > offer);
        Assert.True(prompt.IndexOf("<start_of_image>", StringComparison.Ordinal) > offer);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("get_forecast")]
    public async Task A_required_call_is_a_FunctionCallContent_with_schema_valid_arguments(string? required)
    {
        VisPrunerChatClient client = await gemma.ClientAsync();
        var options = new ChatOptions
        {
            Tools = [Forecast, AIFunctionFactory.Create((int hour) => "set", "set_alarm", "Sets an alarm.")],
            ToolMode = required is null ? ChatToolMode.RequireAny : ChatToolMode.RequireSpecific(required),
            MaxOutputTokens = 200,
        };

        ChatResponse response = await client.GetResponseAsync(Question(), options);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        output.WriteLine($"{response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count()} call(s) in {response.Usage!.OutputTokenCount} tokens: {response.Messages[^1].Text}");
        FunctionCallContent call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().First();
        Assert.Null(call.Exception);
        if (call.Name == "set_alarm")
        {
            Assert.Null(required);
            Assert.Equal(JsonValueKind.Number, ((JsonElement)call.Arguments!["hour"]!).ValueKind);
            return;
        }

        Assert.Equal("get_forecast", call.Name);
        Assert.True(((JsonElement)call.Arguments!["city"]!).GetString()!.Length <= 16);
        Assert.InRange(((JsonElement)call.Arguments["days"]!).GetInt32(), 1, 7);
    }

    [Fact]
    public async Task The_invocation_loop_invokes_the_required_function_and_sends_its_result_back_as_a_tool_output_block()
    {
        VisPrunerChatClient client = await gemma.ClientAsync();
        var invocations = new List<(string City, int Days)>();
        AIFunction forecast = AIFunctionFactory.Create(
            (string city, int days) =>
            {
                invocations.Add((city, days));
                return "Sunny all week.";
            },
            "get_forecast",
            "Gets the weather forecast of a city.");
        using IChatClient invoking = new ChatClientBuilder(client).UseFunctionInvocation().Build();

        ChatResponse response = await invoking.GetResponseAsync(Question(), new ChatOptions { Tools = [forecast], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 8 });

        Assert.NotEmpty(invocations);
        FunctionResultContent result = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().First();
        Assert.Equal("Sunny all week.", result.Result?.ToString());

        // The history the next request renders: the call in the model turn, the result as a tool_output block.
        PreparedChat next = await ChatRequestBuilder.BuildAsync([.. Question(), .. response.Messages], null, new VisPrunerChatClientOptions(), client, CancellationToken.None);
        string prompt = client.Engine.ChatTemplate.Render(next.Request.Messages).Text;
        Assert.Contains("<start_of_turn>model\n```tool_call\n{\"name\": \"get_forecast\", \"parameters\": {", prompt, StringComparison.Ordinal);
        Assert.Contains("```<end_of_turn>\n<start_of_turn>user\n```tool_output\n\"Sunny all week.\"\n```", prompt, StringComparison.Ordinal);
        Assert.Equal(invocations.Count, prompt.Split("```tool_output\n").Length - 1);
    }

    /// <summary>A client on a gemma3 demo folder (random weights), shared by the class's tests.</summary>
    public sealed class Gemma3Client() : DemoFolderClient("gemma3", folder => TinyGemma3Model.Write(folder));
}
