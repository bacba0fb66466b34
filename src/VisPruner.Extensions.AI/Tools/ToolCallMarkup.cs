using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Tools;

/// <summary>The delimiters a model family writes around tool calls in its replies.</summary>
/// <param name="Open">The text that opens a call block.</param>
/// <param name="Close">The text that closes it.</param>
/// <param name="Tokens">The tokens that are the delimiters, where the family's tags are tokens: text then never delimits a block.</param>
internal sealed record ToolCallMarkup(string Open, string Close, ToolCallTokens? Tokens = null)
{
    /// <summary>The tool-call delimiters of <paramref name="template"/>.</summary>
    public static ToolCallMarkup Of(IChatTemplate template) => new(template.ToolCallOpen, template.ToolCallClose, template.ToolCallTokens);

    /// <summary>Whether <paramref name="update"/> is the token that opens a call block (only where the tags are tokens).</summary>
    public bool IsOpeningToken(GenerationUpdate update) => Tokens is { } tokens && update.ControlTokenId == tokens.Open;

    /// <summary>Whether <paramref name="markup"/> ends inside a call block: its last opening delimiter is not closed.</summary>
    public bool EndsInsideBlock(IReadOnlyList<GenerationUpdate> markup)
    {
        if (Tokens is { } tokens)
        {
            return markup.LastOrDefault(u => u.ControlTokenId == tokens.Open || u.ControlTokenId == tokens.Close)?.ControlTokenId == tokens.Open;
        }

        string text = string.Concat(markup.Select(u => u.Text));
        int open = text.LastIndexOf(Open, StringComparison.Ordinal);
        return open >= 0 && text.IndexOf(Close, open + Open.Length, StringComparison.Ordinal) < 0;
    }
}
