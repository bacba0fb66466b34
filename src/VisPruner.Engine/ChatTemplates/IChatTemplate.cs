using VisPruner.Engine.Generation;

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

    /// <summary>
    /// Splits generated assistant text into its text and the tool calls written in this family's format, finding the tags
    /// by their text. For a family whose tags are tokens (<see cref="ToolCallTokens"/>), text cannot tell a tag token from
    /// the same characters written as text: parse a generated reply with <see cref="ParseReply(IReadOnlyList{GenerationUpdate})"/>.
    /// </summary>
    /// <param name="generatedText">The decoded reply, with special tokens kept (some families write tool calls with them).</param>
    /// <returns>The text and the tool calls.</returns>
    AssistantReply ParseReply(string generatedText);

    /// <summary>
    /// Splits a generated reply, as <see cref="MultimodalEngine.GenerateAsync"/> streamed it, into its text and tool calls.
    /// Where the family's tags are tokens (<see cref="ToolCallTokens"/>), a block opens and closes only at the updates that
    /// carry those tokens (<see cref="GenerationUpdate.ControlTokenId"/>), so text that spells a tag stays text; such a
    /// block is markup whatever it holds, so one whose JSON does not parse goes to <see cref="AssistantReply.UnparsedBlocks"/>,
    /// not the text. Otherwise the updates' text is parsed as <see cref="ParseReply(string)"/> does.
    /// </summary>
    /// <param name="reply">The reply's updates, in order (the final one may be included).</param>
    /// <returns>The text and the tool calls.</returns>
    AssistantReply ParseReply(IReadOnlyList<GenerationUpdate> reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return ToolCallTokens is { } tokens
            ? ToolCallBlockParser.Parse(reply, tokens)
            : ParseReply(string.Concat(reply.Select(update => update.Text)));
    }

    /// <summary>The text that opens a tool-call block in this family's replies, e.g. <c>&lt;tool_call&gt;</c>.</summary>
    string ToolCallOpen { get; }

    /// <summary>The text that closes a tool-call block.</summary>
    string ToolCallClose { get; }

    /// <summary>
    /// The key of a call's arguments in this family's tool-call JSON, <c>{"name": ..., "&lt;key&gt;": {...}}</c>:
    /// <c>arguments</c>, or <c>parameters</c> where the family's convention says so (Gemma 3).
    /// </summary>
    string ToolCallArgumentsName { get; }

    /// <summary>
    /// Gets the ids of the tool-call tags when the family's tokenizer has each as one token (Phi-4's), null when the tags
    /// are text. The engine then checks at load that the tokenizer encodes <see cref="ToolCallOpen"/> and
    /// <see cref="ToolCallClose"/> to exactly these ids, a constrained call is written with the tokens themselves
    /// (<see cref="ToolCallGrammar"/>), and the reply reports each as an update of its own that carries the id
    /// (<see cref="GenerationUpdate.ControlTokenId"/>) and the tag's text, whether the tokenizer decodes the token to that
    /// text or to nothing.
    /// </summary>
    ToolCallTokens? ToolCallTokens => null;
}
