namespace VisPruner.Tokenizers.ChatTemplates;

/// <summary>One message of a conversation, as chat templates render it.</summary>
/// <param name="Role">Who speaks.</param>
/// <param name="Contents">The parts, in order.</param>
public sealed record ChatTurn(ChatRole Role, IReadOnlyList<ChatContent> Contents)
{
    /// <summary>A turn of text only.</summary>
    /// <param name="role">Who speaks.</param>
    /// <param name="text">The text.</param>
    public ChatTurn(ChatRole role, string text)
        : this(role, [new TextContent(text)])
    {
    }

    /// <summary>The concatenated text parts.</summary>
    public string Text => string.Concat(Contents.OfType<TextContent>().Select(c => c.Text));
}
