namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Renders a conversation into the prompt text a model family was trained on. Implementations are
/// stateless and thread-safe.
/// </summary>
public interface IChatTemplate
{
    /// <summary>The genai_config.json <c>model.type</c> this template serves, e.g. <c>phi3v</c>.</summary>
    string ModelType { get; }

    /// <summary>Renders <paramref name="turns"/> into the family's prompt format.</summary>
    /// <param name="turns">The conversation.</param>
    /// <param name="options">Generation prompt and tools; null for the defaults.</param>
    /// <returns>
    /// The prompt as segments: template markup (whose special-token strings are control tokens), message content (encoded
    /// literally) and image slots.
    /// </returns>
    /// <exception cref="ArgumentException">A turn holds content its role cannot carry, or tool JSON is invalid.</exception>
    RenderedPrompt Render(IReadOnlyList<ChatTurn> turns, ChatTemplateOptions? options = null);

    /// <summary>The marker this family's prompt uses for image number <paramref name="imageNumber"/> (1-based).</summary>
    /// <param name="imageNumber">The image's position in the conversation, from 1.</param>
    /// <returns>The marker text.</returns>
    string ImageMarker(int imageNumber);

    /// <summary>Splits generated assistant text into its text and the tool calls written in this family's format.</summary>
    /// <param name="generatedText">The decoded reply, with special tokens kept (some families write tool calls with them).</param>
    /// <returns>The text and the tool calls.</returns>
    AssistantReply ParseReply(string generatedText);

    /// <summary>The text that opens a tool-call block in this family's replies, e.g. <c>&lt;tool_call&gt;</c>.</summary>
    string ToolCallOpen { get; }

    /// <summary>The text that closes a tool-call block.</summary>
    string ToolCallClose { get; }

    /// <summary>
    /// The key of a call's arguments in this family's tool-call JSON, <c>{"name": ..., "&lt;key&gt;": {...}}</c>:
    /// <c>arguments</c>, or <c>parameters</c> where the family's convention says so (Gemma 3).
    /// </summary>
    string ToolCallArgumentsName { get; }
}
