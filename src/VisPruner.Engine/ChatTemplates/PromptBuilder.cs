using System.Text;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>Collects a template's output as segments, merging adjacent content so it tokenizes as one run.</summary>
internal sealed class PromptBuilder
{
    private readonly List<PromptSegment> _segments = [];
    private readonly StringBuilder _content = new();

    public int Images { get; private set; }

    /// <summary>Appends template markup.</summary>
    public PromptBuilder Markup(string markup)
    {
        FlushContent();
        _segments.Add(new MarkupSegment(markup));
        return this;
    }

    /// <summary>Appends message text (or plain template text that holds no special tokens).</summary>
    public PromptBuilder Content(string text)
    {
        _content.Append(text);
        return this;
    }

    /// <summary>Appends the next image, numbered in order of appearance.</summary>
    public PromptBuilder Image(Func<int, string> marker)
    {
        FlushContent();
        Images++;
        _segments.Add(new ImageSegment(Images, marker(Images)));
        return this;
    }

    /// <summary>Gets whether the text so far ends with <paramref name="value"/>.</summary>
    public bool EndsWith(char value) =>
        _content.Length > 0 ? _content[^1] == value : _segments.Count > 0 && _segments[^1].Text.EndsWith(value);

    public RenderedPrompt Build()
    {
        FlushContent();
        return new RenderedPrompt([.. _segments]);
    }

    private void FlushContent()
    {
        if (_content.Length > 0)
        {
            _segments.Add(new ContentSegment(_content.ToString()));
            _content.Clear();
        }
    }
}
