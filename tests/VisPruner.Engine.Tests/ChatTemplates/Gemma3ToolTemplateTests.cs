using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Engine.Tests.ChatTemplates;

/// <summary>
/// Gemma 3's tool convention (the template has no tool syntax; this is Google's JSON prompt for Gemma 3 function calling):
/// the functions open the first user turn after the system text, a call is a <c>```tool_call</c> block holding
/// <c>{"name", "parameters"}</c>, results go back as <c>```tool_output</c> blocks in a user turn, and replies are read back.
/// </summary>
public sealed class Gemma3ToolTemplateTests
{
    private static readonly ToolDefinition Weather = new("get_weather", "Gets the weather of a city.", """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");
    private readonly Gemma3ChatTemplate _template = new();

    [Fact]
    public void The_functions_and_the_call_format_open_the_first_user_turn_after_the_system_text()
    {
        string prompt = _template.Render([new(TurnRole.System, "Be brief."), new(TurnRole.User, "Weather in Oslo?")], new ChatTemplateOptions { Tools = [Weather] }).Text;

        Assert.Equal(
            "<bos><start_of_turn>user\nBe brief.\n\n" +
            "You have access to functions. If you decide to invoke any of the function(s), you MUST put it in the format of\n" +
            "```tool_call\n{\"name\": function name, \"parameters\": dictionary of argument name and its value}\n```\n" +
            "You SHOULD NOT include any other text in the response if you call a function\n" +
            "[{\"name\": \"get_weather\", \"description\": \"Gets the weather of a city.\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}]\n\n" +
            "Weather in Oslo?<end_of_turn>\n<start_of_turn>model\n",
            prompt);
        Assert.StartsWith("<bos><start_of_turn>user\nYou have access to functions.", _template.Render([new(TurnRole.User, "Hi")], new ChatTemplateOptions { Tools = [Weather] }).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Calls_are_tool_call_blocks_in_the_model_turn_and_results_share_one_user_turn_of_tool_output_blocks()
    {
        ChatTurn[] turns =
        [
            new(TurnRole.User, "Weather in Oslo and Rome?"),
            new(TurnRole.Assistant, [new TextPart("Checking."), new ToolCallPart("call_1", "get_weather", """{"city":"Oslo"}"""), new ToolCallPart("call_2", "get_weather", """{"city":"Rome"}""")]),
            new(TurnRole.Tool, [new ToolResultPart("call_1", "rain")]),
            new(TurnRole.Tool, [new ToolResultPart("call_2", "sun")]),
            new(TurnRole.Assistant, "Rain in Oslo, sun in Rome."),
            new(TurnRole.User, "Thanks."),
        ];

        string prompt = _template.Render(turns).Text;

        Assert.Equal(
            "<bos><start_of_turn>user\nWeather in Oslo and Rome?<end_of_turn>\n" +
            "<start_of_turn>model\nChecking.\n```tool_call\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}\n```\n" +
            "```tool_call\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Rome\"}}\n```<end_of_turn>\n" +
            "<start_of_turn>user\n```tool_output\nrain\n```\n```tool_output\nsun\n```<end_of_turn>\n" +
            "<start_of_turn>model\nRain in Oslo, sun in Rome.<end_of_turn>\n" +
            "<start_of_turn>user\nThanks.<end_of_turn>\n<start_of_turn>model\n",
            prompt);

        // A result takes the user's place in the alternation.
        Assert.Throws<ArgumentException>(() => _template.Render([.. turns[..4], new(TurnRole.User, "More?")]));
    }

    [Fact]
    public void A_reply_s_tool_call_blocks_are_read_with_their_parameters_and_a_malformed_block_stays_text()
    {
        AssistantReply reply = _template.ParseReply(
            "Sure.\n```tool_call\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}\n```\n```tool_call\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Rome\"}}\n```");

        Assert.Equal("Sure.", reply.Text);
        Assert.Equal([("get_weather", "{\"city\": \"Oslo\"}"), ("get_weather", "{\"city\": \"Rome\"}")], reply.ToolCalls.Select(c => (c.Name, c.ArgumentsJson)));

        AssistantReply malformed = _template.ParseReply("```tool_call\n{\"name\": \"get_weather\", \"parameters\": {\"city\"\n```");
        Assert.Empty(malformed.ToolCalls);
        Assert.StartsWith("```tool_call", malformed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tool_call_grammar_writes_the_template_s_fence_and_arguments_key()
    {
        string grammar = ToolCallGrammar.Create(
            [Weather], _template.ToolCallOpen, _template.ToolCallClose, callRequired: true, maxCalls: 1, argumentsName: _template.ToolCallArgumentsName).Definition;

        Assert.Contains("\"```tool_call\\n\"", grammar, StringComparison.Ordinal);
        Assert.Contains("\"\\n```\"", grammar, StringComparison.Ordinal);
        Assert.Contains("\"required\":[\"name\",\"parameters\"]", grammar, StringComparison.Ordinal);
        Assert.DoesNotContain("\"arguments\"", grammar, StringComparison.Ordinal);
    }
}
