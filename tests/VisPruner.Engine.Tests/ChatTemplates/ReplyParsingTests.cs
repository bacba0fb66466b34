using System.Text.Json.Nodes;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Engine.Tests.ChatTemplates;

/// <summary>Tool calls the model writes in its family's format come back as structured calls.</summary>
public class ReplyParsingTests
{
    [Fact]
    public void Qwen_tool_call_blocks_become_calls_and_the_rest_stays_text()
    {
        var reply = new Qwen25VisionChatTemplate().ParseReply(
            "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>");

        Assert.Equal("Let me check.", reply.Text);
        Assert.Equal(["get_weather", "get_time"], reply.ToolCalls.Select(c => c.Name));
        Assert.Equal(["call_1", "call_2"], reply.ToolCalls.Select(c => c.CallId));
        AssertJsonEqual("""{"city":"Paris"}""", reply.ToolCalls[0].ArgumentsJson);
    }

    [Fact]
    public void Phi4_tool_call_arrays_become_calls()
    {
        var reply = new Phi4MultimodalChatTemplate().ParseReply(
            "<|tool_call|>[{\"name\": \"a\", \"arguments\": {\"x\": 1}}, {\"name\": \"b\", \"arguments\": \"{\\\"y\\\": 2}\"}]<|/tool_call|>");

        Assert.Equal(string.Empty, reply.Text);
        Assert.Equal(["a", "b"], reply.ToolCalls.Select(c => c.Name));
        AssertJsonEqual("""{"x":1}""", reply.ToolCalls[0].ArgumentsJson);
        AssertJsonEqual("""{"y":2}""", reply.ToolCalls[1].ArgumentsJson);
    }

    [Theory]
    [InlineData("phi3v")]
    [InlineData("phi4mm")]
    [InlineData("qwen2_5_vl")]
    public void Rendered_tool_calls_parse_back_to_the_same_calls(string modelType)
    {
        var template = ChatTemplateCatalog.ForModelType(modelType);
        var calls = new[] { new ToolCallPart("call_1", "search", """{"query":"cats","limit":3}"""), new ToolCallPart("call_2", "open", """{"url":"https://example.com"}""") };
        var prompt = template.Render([new ChatTurn(TurnRole.Assistant, [new TextPart("Sure."), .. calls])], new ChatTemplateOptions { AddGenerationPrompt = false }).Text;

        var reply = template.ParseReply(prompt);

        Assert.Equal(calls.Select(c => (c.CallId, c.Name)), reply.ToolCalls.Select(c => (c.CallId, c.Name)));
        for (var i = 0; i < calls.Length; i++)
        {
            AssertJsonEqual(calls[i].ArgumentsJson, reply.ToolCalls[i].ArgumentsJson);
        }

        Assert.Contains("Sure.", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_blocks_stay_text_and_a_block_cut_off_at_the_end_is_still_read()
    {
        var template = new Phi3VisionChatTemplate();

        var malformed = template.ParseReply("Hmm <tool_call>{not json}</tool_call> ok");
        var cutOff = template.ParseReply("Calling.\n<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": true}}\n");

        Assert.Empty(malformed.ToolCalls);
        Assert.Equal("Hmm <tool_call>{not json}</tool_call> ok", malformed.Text);
        Assert.Equal("f", Assert.Single(cutOff.ToolCalls).Name);
        Assert.Equal("Calling.", cutOff.Text);
    }

    private static void AssertJsonEqual(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"{expected} != {actual}");
}
