using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Extensions.AI.Tools;

/// <summary>The delimiters a model family writes around tool calls in its replies.</summary>
/// <param name="Open">The text that opens a call block.</param>
/// <param name="Close">The text that closes it.</param>
internal sealed record ToolCallMarkup(string Open, string Close)
{
    /// <summary>Gets the markup of a <c>model.type</c>, as the family's chat template defines it.</summary>
    public static ToolCallMarkup ForModelType(string modelType)
    {
        IChatTemplate template = ChatTemplateCatalog.ForModelType(modelType);
        return new(template.ToolCallOpen, template.ToolCallClose);
    }

    /// <summary>Whether <paramref name="text"/> ends inside a call block: its last opening marker is not closed.</summary>
    public bool EndsInsideBlock(string text)
    {
        int open = text.LastIndexOf(Open, StringComparison.Ordinal);
        return open >= 0 && text.IndexOf(Close, open + Open.Length, StringComparison.Ordinal) < 0;
    }
}
