namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// A conversation rendered in a family's prompt format, kept as segments so that the tokenizer can tell the template's
/// markup from message text, and image positions come from the message structure rather than from searching the text.
/// </summary>
public sealed class RenderedPrompt
{
    internal RenderedPrompt(IReadOnlyList<PromptSegment> segments)
    {
        Segments = segments;
        Text = string.Concat(segments.Select(s => s.Text));
    }

    /// <summary>Gets the segments, in order; adjacent content is merged into one segment.</summary>
    public IReadOnlyList<PromptSegment> Segments { get; }

    /// <summary>Gets the prompt as one string, as the family's own chat template would print it.</summary>
    public string Text { get; }

    /// <summary>Gets the number of image segments.</summary>
    public int ImageCount => Segments.Count(s => s is ImageSegment);

    /// <inheritdoc />
    public override string ToString() => Text;
}
