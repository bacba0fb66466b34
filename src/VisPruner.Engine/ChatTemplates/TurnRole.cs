namespace VisPruner.Engine.ChatTemplates;

/// <summary>Who speaks in a <see cref="ChatTurn"/>.</summary>
public enum TurnRole
{
    /// <summary>Instructions for the model.</summary>
    System,

    /// <summary>The person chatting.</summary>
    User,

    /// <summary>The model.</summary>
    Assistant,

    /// <summary>Results of tool calls the assistant made.</summary>
    Tool,
}
