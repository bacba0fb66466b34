using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Tools;

/// <summary>
/// Turns what a request requires of the reply into a decoding constraint (ONNX Runtime GenAI guidance), so the
/// requirement is enforced, not only asked for: a required call is always a parseable call to one of the offered tools
/// with schema-valid arguments, an optional call is so whenever the model starts one, and a JSON reply is JSON that
/// follows its schema. Every constraint is bounded (<see cref="StructuredOutputLimits"/>), so the reply always finishes.
/// </summary>
internal static class ReplyGuidance
{
    public static OutputConstraint? For(ReplyConstraints constraints, ToolPrompt tools, IChatTemplate template, StructuredOutputLimits limits)
    {
        int maxCalls = tools.SingleCall ? 1 : limits.MaxToolCalls;
        return constraints.ToolCall switch
        {
            ToolCallRequirement.AnyTool or ToolCallRequirement.SpecificFunction => Calls(tools, template, callRequired: true, maxCalls, limits),
            _ when constraints.Json => OutputConstraint.BoundedJsonSchema(constraints.JsonSchema?.GetRawText(), limits),
            ToolCallRequirement.Optional => Calls(tools, template, callRequired: false, maxCalls, limits),
            _ => null,
        };
    }

    private static OutputConstraint Calls(ToolPrompt tools, IChatTemplate template, bool callRequired, int maxCalls, StructuredOutputLimits limits) =>
        ToolCallGrammar.Create(
            tools.Tools, template.ToolCallOpen, template.ToolCallClose, callRequired, maxCalls, limits, template.ToolCallArgumentsName, template.ToolCallTokens);
}
