namespace VisPruner.Engine.ChatTemplates;

/// <summary>One message of a conversation, as chat templates render it.</summary>
/// <param name="Role">Who speaks.</param>
/// <param name="Parts">The parts, in order.</param>
public sealed record ChatTurn(TurnRole Role, IReadOnlyList<ChatPart> Parts)
{
    /// <summary>A turn of text only.</summary>
    /// <param name="role">Who speaks.</param>
    /// <param name="text">The text.</param>
    public ChatTurn(TurnRole role, string text)
        : this(role, [new TextPart(text)])
    {
    }

    /// <summary>The concatenated text parts.</summary>
    public string Text => string.Concat(Parts.OfType<TextPart>().Select(c => c.Text));
}
