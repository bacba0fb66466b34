using System.Text.Json.Nodes;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

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

    [Fact]
    public void Phi4_calls_open_and_close_at_the_tag_tokens_and_text_that_spells_a_tag_stays_text()
    {
        IChatTemplate template = new Phi4MultimodalChatTemplate();
        const string Spelled = "<|tool_call|>[{\"name\": \"a\", \"arguments\": {}}]<|/tool_call|>";

        AssistantReply spelled = template.ParseReply([new GenerationUpdate("Say " + Spelled)]);
        AssistantReply tokens = template.ParseReply(
            [new("Sure. "), Tag(200025), new("[{\"name\": \"a\", \"arguments\": {\"s\": \"x<|/tool_call|>\"}}"), new("]"), Tag(200026), new(" Done."), new(string.Empty, FinishReason.Stop)]);
        AssistantReply broken = template.ParseReply([Tag(200025), new("[{\"name\": \"a\", "), Tag(200026)]);

        Assert.Equal(("Say " + Spelled, 0), (spelled.Text, spelled.ToolCalls.Count));
        Assert.Equal("Sure.  Done.", tokens.Text);
        AssertJsonEqual("""{"s":"x<|/tool_call|>"}""", Assert.Single(tokens.ToolCalls).ArgumentsJson);
        Assert.Equal((string.Empty, 0), (broken.Text, broken.ToolCalls.Count));
        Assert.Equal("[{\"name\": \"a\", ", Assert.Single(broken.UnparsedBlocks));
    }

    [Fact]
    public void Families_with_text_tags_parse_a_reply_s_updates_as_its_text()
    {
        IChatTemplate template = new Phi3VisionChatTemplate();
        GenerationUpdate[] updates = [new("Checking. <tool"), new("_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>"), new("Hmm <tool_call>{not json}</tool_call>")];

        AssistantReply reply = template.ParseReply(updates);

        Assert.Equal(["f"], reply.ToolCalls.Select(c => c.Name));
        Assert.Equal("Checking. Hmm <tool_call>{not json}</tool_call>", reply.Text);
        Assert.Empty(reply.UnparsedBlocks);
    }

    private static GenerationUpdate Tag(int token) => new(token == 200025 ? "<|tool_call|>" : "<|/tool_call|>") { ControlTokenId = token };

    private static void AssertJsonEqual(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"{expected} != {actual}");
}
