namespace VisPruner.Engine.ChatTemplates;

/// <summary>A generated assistant message split into its text and the tool calls it makes.</summary>
/// <param name="Text">The text outside tool-call blocks, trimmed.</param>
/// <param name="ToolCalls">The tool calls, in order; call ids are <c>call_1</c>, <c>call_2</c>, ...</param>
public sealed record AssistantReply(string Text, IReadOnlyList<ToolCallPart> ToolCalls)
{
    /// <summary>
    /// Gets the contents of the call blocks delimited by tool-call tokens (<see cref="IChatTemplate.ToolCallTokens"/>) whose
    /// JSON does not parse, in order: calls the model meant but wrote wrong. A block delimited by text tags stays in
    /// <see cref="Text"/> instead, as text that only looks like a block may be prose.
    /// </summary>
    public IReadOnlyList<string> UnparsedBlocks { get; init; } = [];
}
