namespace VisPruner.Engine.Generation;

/// <summary>One piece of a streamed response: new text, and on the last update why generation ended and its statistics.</summary>
/// <param name="Text">The newly generated text (may be empty on the last update).</param>
/// <param name="FinishReason">Why generation ended; set only on the last update.</param>
/// <param name="Statistics">Counts and timings; set only on the last update.</param>
public sealed record GenerationUpdate(string Text, FinishReason? FinishReason = null, GenerationStatistics? Statistics = null)
{
    /// <summary>
    /// Gets the id of the token this update stands for when it is a tool-call tag of a family whose tags are tokens
    /// (<see cref="ChatTemplates.IChatTemplate.ToolCallTokens"/>); <see cref="Text"/> is then the tag's text, however the
    /// tokenizer decodes the token. Null for generated text, even text that spells a tag: parsers recognise the tags by this
    /// id (<see cref="ChatTemplates.IChatTemplate.ParseReply(IReadOnlyList{GenerationUpdate})"/>).
    /// </summary>
    public int? ControlTokenId { get; init; }

    /// <summary>Gets a value indicating whether this is the last update of the response.</summary>
    public bool IsFinal => FinishReason is not null;
}
