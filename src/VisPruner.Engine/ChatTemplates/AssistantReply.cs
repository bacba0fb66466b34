namespace VisPruner.Engine.ChatTemplates;

/// <summary>A generated assistant message split into its text and the tool calls it makes.</summary>
/// <param name="Text">The text outside tool-call blocks, trimmed.</param>
/// <param name="ToolCalls">The tool calls, in order; call ids are <c>call_1</c>, <c>call_2</c>, ...</param>
public sealed record AssistantReply(string Text, IReadOnlyList<ToolCallPart> ToolCalls);
