namespace VisPruner.Engine.ChatTemplates;

/// <summary>One part of a <see cref="ChatTurn"/>: text, an image, a tool call or a tool result.</summary>
public abstract record ChatPart;

/// <summary>Text.</summary>
/// <param name="Text">The text.</param>
public sealed record TextPart(string Text) : ChatPart;

/// <summary>
/// Where an image goes. Templates number images in order of appearance across the conversation (1, 2, ...)
/// and render each family's marker, which the engine later expands into image tokens.
/// </summary>
public sealed record ImagePart : ChatPart;

/// <summary>A tool call the assistant made.</summary>
/// <param name="CallId">The call's id (kept so results can refer to it; most templates do not render it).</param>
/// <param name="Name">The tool's name.</param>
/// <param name="ArgumentsJson">The arguments as a JSON object.</param>
public sealed record ToolCallPart(string CallId, string Name, string ArgumentsJson) : ChatPart;

/// <summary>The result of a tool call, in a <see cref="TurnRole.Tool"/> turn.</summary>
/// <param name="CallId">The id of the call this answers.</param>
/// <param name="Result">The result text (often JSON).</param>
public sealed record ToolResultPart(string CallId, string Result) : ChatPart;
