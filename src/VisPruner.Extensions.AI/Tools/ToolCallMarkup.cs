using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Extensions.AI.Tools;

/// <summary>The delimiters a model family writes around tool calls in its replies.</summary>
/// <param name="Open">The text that opens a call block.</param>
/// <param name="Close">The text that closes it.</param>
internal sealed record ToolCallMarkup(string Open, string Close)
{
    /// <summary>The tool-call delimiters of <paramref name="template"/>.</summary>
    public static ToolCallMarkup Of(IChatTemplate template) => new(template.ToolCallOpen, template.ToolCallClose);

    /// <summary>Whether <paramref name="text"/> ends inside a call block: its last opening marker is not closed.</summary>
    public bool EndsInsideBlock(string text)
    {
        int open = text.LastIndexOf(Open, StringComparison.Ordinal);
        return open >= 0 && text.IndexOf(Close, open + Open.Length, StringComparison.Ordinal) < 0;
    }
}
