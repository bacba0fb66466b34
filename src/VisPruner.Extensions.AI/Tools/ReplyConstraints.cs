using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VisPruner.Extensions.AI.Tools;

/// <summary>How a request lets the reply use tools.</summary>
internal enum ToolCallRequirement
{
    /// <summary>No tools are offered (none given, or <see cref="ChatToolMode.None"/>).</summary>
    NoTools,

    /// <summary>The model may call a tool or answer (<see cref="ChatToolMode.Auto"/> or unset).</summary>
    Optional,

    /// <summary>The model must call one of the tools (<see cref="ChatToolMode.RequireAny"/>).</summary>
    AnyTool,

    /// <summary>The model must call the named function (<see cref="ChatToolMode.RequireSpecific"/>).</summary>
    SpecificFunction,
}

/// <summary>
/// What a request requires of the reply, read from <see cref="ChatOptions.ToolMode"/> and
/// <see cref="ChatOptions.ResponseFormat"/> here and nowhere else. Semantic Kernel's <c>FunctionChoiceBehavior</c> arrives
/// as a tool mode (<c>Required</c> as <see cref="ChatToolMode.RequireAny"/>, <c>None</c> as <see cref="ChatToolMode.None"/>)
/// and structured output as a response format. The prompt states these requirements to the model
/// (<see cref="ToolPrompt"/>); constrained decoding can enforce the same ones.
/// </summary>
/// <param name="ToolCall">How the reply may use tools.</param>
/// <param name="RequiredFunction">The function the reply must call, with <see cref="ToolCallRequirement.SpecificFunction"/>.</param>
/// <param name="Json">Whether the reply must be JSON.</param>
/// <param name="JsonSchema">The schema the JSON must follow, if any.</param>
internal sealed record ReplyConstraints(ToolCallRequirement ToolCall, string? RequiredFunction, bool Json, JsonElement? JsonSchema)
{
    public static ReplyConstraints From(ChatOptions? options)
    {
        (ToolCallRequirement call, string? function) = options?.Tools is not { Count: > 0 } ? (ToolCallRequirement.NoTools, null) : options.ToolMode switch
        {
            NoneChatToolMode => (ToolCallRequirement.NoTools, null),
            RequiredChatToolMode { RequiredFunctionName: string name } => (ToolCallRequirement.SpecificFunction, name),
            RequiredChatToolMode => (ToolCallRequirement.AnyTool, null),
            _ => (ToolCallRequirement.Optional, (string?)null),
        };

        return options?.ResponseFormat is ChatResponseFormatJson json
            ? new ReplyConstraints(call, function, Json: true, json.Schema)
            : new ReplyConstraints(call, function, Json: false, JsonSchema: null);
    }
}
