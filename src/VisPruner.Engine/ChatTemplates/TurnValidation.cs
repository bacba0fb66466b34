namespace VisPruner.Engine.ChatTemplates;

/// <summary>Checks that every turn holds only content its role can carry, before a template renders it.</summary>
internal static class TurnValidation
{
    public static void Validate(IReadOnlyList<ChatTurn> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        for (var i = 0; i < turns.Count; i++)
        {
            var turn = turns[i] ?? throw new ArgumentException($"Turn {i} is null.", nameof(turns));
            if (turn.Parts is null)
            {
                throw new ArgumentException($"Turn {i} has no parts list.", nameof(turns));
            }

            foreach (var content in turn.Parts)
            {
                var allowed = content switch
                {
                    TextPart => true,
                    ImagePart => turn.Role == TurnRole.User,
                    ToolCallPart => turn.Role == TurnRole.Assistant,
                    ToolResultPart => turn.Role == TurnRole.Tool,
                    _ => false,
                };
                if (!allowed)
                {
                    throw new ArgumentException($"Turn {i} ({turn.Role}) cannot hold {content?.GetType().Name ?? "null content"}.", nameof(turns));
                }
            }
        }
    }

    /// <summary>The text of a tool turn: its results (or text) one after another.</summary>
    public static string ToolTurnText(ChatTurn turn) =>
        string.Concat(turn.Parts.Select(c => c switch
        {
            ToolResultPart result => result.Result,
            TextPart text => text.Text,
            _ => string.Empty,
        }));
}
