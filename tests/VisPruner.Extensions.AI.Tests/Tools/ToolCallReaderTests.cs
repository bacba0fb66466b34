using System.Text.Json;
using Microsoft.Extensions.AI;
using VisPruner.Extensions.AI.Tools;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Tests.Tools;

[Collection(TinyModelsGroup.Name)]
public sealed class ToolCallReaderTests(TinyModels models)
{
    // The phi3v template, as a loaded engine has it.
    private async Task<(List<FunctionCallContent> Calls, string Text)> ReadAsync(string markup, bool single = false)
    {
        IChatTemplate phi3 = (await models.RandomClientAsync()).Engine.ChatTemplate;
        return ToolCallReader.Read([new GenerationUpdate(markup)], phi3, ToolCallMarkup.Of(phi3), single);
    }

    [Fact]
    public async Task Braces_and_markers_inside_json_strings_do_not_break_a_call()
    {
        (List<FunctionCallContent> calls, string text) = await ReadAsync("<tool_call>{\"name\": \"say\", \"arguments\": {\"text\": \"a } b <tool_call> \\\" c\"}}</tool_call>");

        FunctionCallContent call = Assert.Single(calls);
        Assert.Equal("say", call.Name);
        Assert.Equal("a } b <tool_call> \" c", ((JsonElement)call.Arguments!["text"]!).GetString());
        Assert.Equal(string.Empty, text);
    }

    [Fact]
    public async Task An_array_of_calls_in_one_block_and_text_between_blocks_are_kept_in_order()
    {
        (List<FunctionCallContent> calls, string text) = await ReadAsync(
            "<tool_call>[{\"name\": \"a\", \"arguments\": {}}, {\"name\": \"b\"}]</tool_call> then <tool_call>{\"name\": \"c\", \"parameters\": {\"x\": 1}}</tool_call>");

        Assert.Equal(["a", "b", "c"], calls.Select(c => c.Name));
        Assert.All(calls, c => Assert.Null(c.Exception));
        Assert.Equal(1, ((JsonElement)calls[2].Arguments!["x"]!).GetInt32());
        Assert.Equal("then", text);
        Assert.Equal(3, calls.Select(c => c.CallId).Distinct().Count());
    }

    [Fact]
    public async Task A_block_cut_off_by_the_token_limit_is_read_to_the_end()
    {
        (List<FunctionCallContent> calls, _) = await ReadAsync("<tool_call>\n{\"name\": \"lookup\", \"arguments\": {\"q\": \"cat\"}}");

        Assert.Equal("lookup", Assert.Single(calls).Name);
        Assert.Null(calls[0].Exception);
    }

    [Theory]
    [InlineData("<tool_call>{\"name\": \"lookup\", \"arguments\": [1, 2]}</tool_call>", "lookup")]
    [InlineData("<tool_call>{\"name\": \"lookup\", \"arguments\": \"not json\"}</tool_call>", "lookup")]
    [InlineData("<tool_call>{\"name\": \"look\\\"up\", \"arguments\": {\"q\": </tool_call>", "look\"up")]
    [InlineData("<tool_call>{\"arguments\": {}}</tool_call>", "unknown")]
    [InlineData("<tool_call></tool_call>", "unknown")]
    [InlineData("<tool_call>{\"name\": 42}", "unknown")]
    public async Task Malformed_calls_carry_an_exception(string markup, string name)
    {
        (List<FunctionCallContent> calls, string text) = await ReadAsync(markup);

        FunctionCallContent call = Assert.Single(calls);
        Assert.Equal(name, call.Name);
        Assert.NotNull(call.Exception);
        Assert.DoesNotContain("<tool_call>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_never_throws()
    {
        string[] pieces = ["<tool_call>", "</tool_call>", "{", "}", "[", "]", "\"name\"", ":", "\"f\"", ",", "\"arguments\"", "\\", "\"", "null", "x"];
        var random = new Random(7);
        for (int run = 0; run < 3000; run++)
        {
            string markup = "<tool_call>" + string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            (List<FunctionCallContent> calls, string text) = await ReadAsync(markup);
            // Only an empty call list ("[]") legitimately yields no call.
            Assert.True(calls.Count > 0 || markup.Contains('[', StringComparison.Ordinal), markup);
            Assert.DoesNotContain("<tool_call>", text, StringComparison.Ordinal);
        }
    }
}
