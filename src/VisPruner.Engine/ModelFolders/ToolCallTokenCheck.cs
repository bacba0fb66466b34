using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Runtime;

namespace VisPruner.Engine.ModelFolders;

/// <summary>
/// Checks that a folder's tokenizer has its family's tool-call tags as the tokens the family's template names
/// (<see cref="IChatTemplate.ToolCallTokens"/>): the grammar writes them by id and replies are parsed by id, so a tokenizer
/// that splits a tag into text, or gives it another id, would make calls that nothing recognises.
/// </summary>
internal static class ToolCallTokenCheck
{
    /// <exception cref="ModelFolderException">A tag encodes to more than one token, or to another id (the tag is named).</exception>
    public static void Require(GenAiModel model, IChatTemplate template)
    {
        if (template.ToolCallTokens is not { } tokens)
        {
            return;
        }

        foreach ((string tag, int id) in new[] { (template.ToolCallOpen, tokens.Open), (template.ToolCallClose, tokens.Close) })
        {
            int[] ids = model.EncodeMarkup(tag);
            if (ids.Length != 1 || ids[0] != id)
            {
                throw new ModelFolderException(ConfiguredFile.TokenizerFileName, null,
                    $"encodes '{tag}' to [{string.Join(", ", ids)}]; a {template.ModelType} tokenizer has it as the single token {id}, which the model writes to call a tool.");
            }
        }
    }
}
