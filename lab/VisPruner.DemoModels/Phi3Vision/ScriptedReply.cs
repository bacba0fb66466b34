namespace VisPruner.DemoModels;

/// <summary>A reply a scripted model writes, and the length of the prompt it follows.</summary>
public sealed record ScriptedReply
{
    /// <summary>Initializes a new instance of the <see cref="ScriptedReply"/> class.</summary>
    /// <param name="promptLength">The length, in tokens (image placeholders included), of the prompt the reply follows.</param>
    /// <param name="text">The reply.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="promptLength"/> is less than 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public ScriptedReply(int promptLength, string text)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(promptLength, 1);
        ArgumentNullException.ThrowIfNull(text);
        PromptLength = promptLength;
        Text = text;
    }

    /// <summary>Gets the length, in tokens, of the prompt the reply follows.</summary>
    public int PromptLength { get; }

    /// <summary>Gets the reply.</summary>
    public string Text { get; }
}
