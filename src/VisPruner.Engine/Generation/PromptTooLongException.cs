namespace VisPruner.Engine.Generation;

/// <summary>The prompt (text plus visual tokens) does not fit the model's context length.</summary>
public sealed class PromptTooLongException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="PromptTooLongException"/> class.</summary>
    public PromptTooLongException()
        : base("The prompt does not fit the model's context length.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PromptTooLongException"/> class.</summary>
    /// <param name="message">The message.</param>
    public PromptTooLongException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PromptTooLongException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PromptTooLongException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PromptTooLongException"/> class with the sizes involved.</summary>
    /// <param name="promptTokens">The prompt length in tokens.</param>
    /// <param name="visualTokens">How many of them are visual tokens.</param>
    /// <param name="contextLength">The model's context length.</param>
    public PromptTooLongException(int promptTokens, int visualTokens, int contextLength)
        : base($"The prompt has {promptTokens} tokens ({visualTokens} of them visual) but the model's context length is {contextLength}; " +
               "shorten the conversation, send fewer or smaller images, or prune more visual tokens.", "request")
    {
        PromptTokens = promptTokens;
        VisualTokens = visualTokens;
        ContextLength = contextLength;
    }

    /// <summary>Gets the prompt length in tokens.</summary>
    public int PromptTokens { get; }

    /// <summary>Gets the visual tokens in the prompt.</summary>
    public int VisualTokens { get; }

    /// <summary>Gets the model's context length.</summary>
    public int ContextLength { get; }
}
