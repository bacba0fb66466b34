using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

namespace VisPruner.SemanticKernel.Tools;

/// <summary>
/// Turns what a request requires of the reply into a decoding constraint (ONNX Runtime GenAI guidance), so the
/// requirement is enforced, not only asked for: a required call is always a parseable call to one of the offered tools
/// with schema-valid arguments, an optional call is so whenever the model starts one, and a JSON reply is JSON.
/// </summary>
internal static class ReplyGuidance
{
    // OpenAI's JSON mode: an object.
    private const string AnyJsonObject = """{"type": "object"}""";

    // JSON on one line with single spaces after separators: a model cannot spend its tokens on whitespace.
    private static string CompactLayout(string schema)
    {
        if (System.Text.Json.Nodes.JsonNode.Parse(schema) is not System.Text.Json.Nodes.JsonObject root)
        {
            return schema;
        }

        root.TryAdd("x-guidance", new System.Text.Json.Nodes.JsonObject { ["whitespace_flexible"] = false, ["item_separator"] = ", ", ["key_separator"] = ": " });
        return root.ToJsonString();
    }

    public static OutputConstraint? For(ReplyConstraints constraints, ToolPrompt tools, IChatTemplate template) => constraints.ToolCall switch
    {
        ToolCallRequirement.AnyTool or ToolCallRequirement.SpecificFunction =>
            ToolCallGrammar.Create(tools.Tools, template.ToolCallOpen, template.ToolCallClose, callRequired: true, tools.SingleCall),
        _ when constraints.Json => OutputConstraint.JsonSchema(CompactLayout(constraints.JsonSchema?.GetRawText() ?? AnyJsonObject)),
        ToolCallRequirement.Optional => ToolCallGrammar.Create(tools.Tools, template.ToolCallOpen, template.ToolCallClose, callRequired: false, tools.SingleCall),
        _ => null,
    };
}
