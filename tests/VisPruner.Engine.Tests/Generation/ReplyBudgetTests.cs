using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

namespace VisPruner.Engine.Tests.Generation;

/// <summary>How far a reply may run: bounded constraints get room to finish, and only the context caps them.</summary>
public sealed class ReplyBudgetTests
{
    private static readonly OutputConstraint WholeReply = OutputConstraint.JsonSchema("{}") with { MaxTokens = 300 };
    private static readonly OutputConstraint CallBlocks = OutputConstraint.LarkGrammar("start: TEXT") with { MaxTokens = 50, Span = new BoundedSpan("<tool_call>", "</tool_call>") };

    [Theory]
    [InlineData(null, 900, 900)] // unconstrained: the context left
    [InlineData(64, 64, 64)]
    [InlineData(5000, 900, 900)]
    public void Unconstrained_replies_take_what_was_asked_within_the_context(int? requested, int expectedRequested, int expectedCeiling)
    {
        ReplyBudget budget = ReplyBudget.For(requested, promptTokens: 100, contextLength: 1000, constraint: null);

        Assert.Equal((expectedRequested, expectedCeiling), (budget.Requested, budget.Ceiling));
    }

    [Theory]
    [InlineData(4, 300)] // raised to fit the longest document
    [InlineData(2000, 300)] // no more than it can take
    public void A_bounded_reply_gets_exactly_its_bound(int requested, int expected)
    {
        Assert.Equal(expected, ReplyBudget.For(requested, promptTokens: 100, contextLength: 1000, WholeReply).Ceiling);
    }

    [Fact]
    public void The_context_caps_a_bounded_reply_and_a_reply_cut_there_fails_clearly()
    {
        ReplyBudget budget = ReplyBudget.For(null, promptTokens: 900, contextLength: 1000, WholeReply);
        Assert.Equal(100, budget.Ceiling);

        var ex = Assert.Throws<PromptTooLongException>(() => budget.ThrowIfCutShort(100, null));
        Assert.Contains("StructuredOutputLimits", ex.Message, StringComparison.Ordinal);
        Assert.Contains("300", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Some text", false)]
    [InlineData("Some text <tool_call>\n{\"name\"", true)] // inside a call
    [InlineData("<tool_call>\n{}\n</tool_call> and text", false)] // after a call
    [InlineData("Let me check <tool_", true)] // a call may be starting
    public void A_reply_at_its_limit_runs_on_only_inside_a_call(string written, bool runsOn)
    {
        ReplyBudget budget = ReplyBudget.For(20, promptTokens: 100, contextLength: 1000, CallBlocks);
        Assert.Equal((20, 70), (budget.Requested, budget.Ceiling));

        Assert.Equal(runsOn, budget.AllowsMore(20, Written(written)));
        Assert.True(budget.AllowsMore(19, Written(written)));
        Assert.False(budget.AllowsMore(70, Written(written)));
    }

    [Fact]
    public void Without_a_limit_the_context_caps_text_and_calls_alike()
    {
        ReplyBudget budget = ReplyBudget.For(null, promptTokens: 100, contextLength: 1000, CallBlocks);

        Assert.Equal((900, 900), (budget.Requested, budget.Ceiling));
        budget.ThrowIfCutShort(900, Written("text after the call"));
        Assert.Throws<PromptTooLongException>(() => budget.ThrowIfCutShort(900, Written("<tool_call>\n{\"na")));
    }

    [Theory]
    [InlineData(new[] { 7, 8 }, false)]
    [InlineData(new[] { 7, 200025, 8 }, true)] // inside a call
    [InlineData(new[] { 200025, 8, 200026, 9 }, false)] // after a call
    public void Where_the_tags_are_tokens_only_the_tokens_open_and_close_a_call(int[] tokens, bool runsOn)
    {
        var blocks = CallBlocks with { Span = new BoundedSpan("<|tool_call|>", "<|/tool_call|>") { Tokens = new ToolCallTokens(200025, 200026) } };
        ReplyBudget budget = ReplyBudget.For(20, promptTokens: 100, contextLength: 1000, blocks);
        var spans = new OpenSpanTracker(blocks.Span!);
        foreach (int token in tokens)
        {
            // Text that spells a tag is not a tag.
            spans.Add(token, token == 8 ? "<|tool_call|>" : string.Empty);
        }

        Assert.Equal(runsOn, budget.AllowsMore(20, spans));
    }

    private static OpenSpanTracker Written(string text)
    {
        var spans = new OpenSpanTracker(CallBlocks.Span!);
        spans.Add(0, text);
        return spans;
    }
}
