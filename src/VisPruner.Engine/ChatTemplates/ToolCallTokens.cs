namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// The ids of a family's tool-call tags where its tokenizer has each tag as one token (Phi-4's <c>&lt;|tool_call|&gt;</c>
/// 200025 and <c>&lt;|/tool_call|&gt;</c> 200026), so a model trained on them writes a call with those tokens.
/// </summary>
/// <param name="Open">The id of the token that opens a call block (<see cref="IChatTemplate.ToolCallOpen"/>).</param>
/// <param name="Close">The id of the token that closes it (<see cref="IChatTemplate.ToolCallClose"/>).</param>
public sealed record ToolCallTokens(int Open, int Close);
