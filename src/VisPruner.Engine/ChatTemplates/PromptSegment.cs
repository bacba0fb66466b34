namespace VisPruner.Engine.ChatTemplates;

/// <summary>One piece of a rendered prompt. The kind decides how it is tokenized.</summary>
/// <param name="Text">The piece's text.</param>
public abstract record PromptSegment(string Text);

/// <summary>
/// Template markup (turn markers and the like): the only text whose special-token strings become control tokens.
/// </summary>
/// <param name="Text">The markup.</param>
public sealed record MarkupSegment(string Text) : PromptSegment(Text);

/// <summary>
/// Text that comes from a message (system, user, assistant or tool): encoded literally, so a string such as
/// <c>&lt;|end|&gt;</c> typed by a user stays text and can never forge a turn.
/// </summary>
/// <param name="Text">The text.</param>
public sealed record ContentSegment(string Text) : PromptSegment(Text);

/// <summary>Where image number <paramref name="ImageNumber"/> (1-based, in order of appearance) goes.</summary>
/// <param name="ImageNumber">The image's position in the conversation, from 1.</param>
/// <param name="Marker">The family's marker for the image, as its own prompt format writes it.</param>
public sealed record ImageSegment(int ImageNumber, string Marker) : PromptSegment(Marker);
