namespace VisPruner.Engine.ChatTemplates;

/// <summary>How a conversation is rendered.</summary>
public sealed class ChatTemplateOptions
{
    /// <summary>Whether to end with the opening of an assistant turn, so the model answers next (default true).</summary>
    public bool AddGenerationPrompt { get; set; } = true;

    /// <summary>The tools offered to the model; their schemas go into the system turn.</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; set; } = [];
}
