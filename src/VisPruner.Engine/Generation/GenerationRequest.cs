using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Engine.Generation;

/// <summary>One chat request: the conversation, its images, and generation settings.</summary>
/// <remarks>
/// Each <see cref="ImagePart"/> in <see cref="Messages"/> stands for the next image of <see cref="Images"/>,
/// in order of appearance, so their counts must match.
/// </remarks>
public sealed record GenerationRequest
{
    /// <summary>Initializes a new instance of the <see cref="GenerationRequest"/> class.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="images">The images the conversation's image markers refer to, in order.</param>
    /// <param name="options">Generation settings; null for the model's defaults.</param>
    public GenerationRequest(IReadOnlyList<ChatTurn> messages, IReadOnlyList<ImageInput>? images = null, GenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            throw new ArgumentException("A request needs at least one message.", nameof(messages));
        }

        Messages = messages;
        Images = images ?? [];
        Options = options ?? new GenerationOptions();
    }

    /// <summary>Gets the conversation.</summary>
    public IReadOnlyList<ChatTurn> Messages { get; init; }

    /// <summary>Gets the images, in the order their markers appear in <see cref="Messages"/>.</summary>
    public IReadOnlyList<ImageInput> Images { get; init; }

    /// <summary>Gets the generation settings.</summary>
    public GenerationOptions Options { get; init; }

    /// <summary>Gets the tools the model may call (rendered into the prompt by the family's chat template).</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];
}
