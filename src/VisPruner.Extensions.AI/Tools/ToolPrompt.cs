using Microsoft.Extensions.AI;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Extensions.AI.Tools;

/// <summary>
/// The tools a request offers and the instructions that ask the model for what <see cref="ReplyConstraints"/> requires;
/// <see cref="ReplyGuidance"/> then enforces the same requirements while decoding.
/// </summary>
internal sealed record ToolPrompt(IReadOnlyList<ToolDefinition> Tools, IReadOnlyList<string> Directives, bool SingleCall)
{
    public static ToolPrompt From(ChatOptions? options)
    {
        ReplyConstraints constraints = ReplyConstraints.From(options);
        var directives = new List<string>();
        if (constraints.Json)
        {
            directives.Add(constraints.JsonSchema is { } schema
                ? $"Reply with a single JSON value that conforms to this JSON schema, and nothing else:\n{schema.GetRawText()}"
                : "Reply with a single valid JSON value and nothing else.");
        }

        if (constraints.ToolCall == ToolCallRequirement.NoTools)
        {
            return new ToolPrompt([], directives, SingleCall: false);
        }

        IList<AITool> tools = options!.Tools!;
        var definitions = new List<ToolDefinition>(tools.Count);
        foreach (AITool tool in tools)
        {
            definitions.Add(tool is AIFunctionDeclaration function
                ? new ToolDefinition(function.Name, string.IsNullOrEmpty(function.Description) ? null : function.Description, function.JsonSchema.GetRawText())
                : throw new NotSupportedException($"The tool '{tool.Name}' is a {tool.GetType().Name}; only AIFunctionDeclaration tools (functions) are supported."));
        }

        switch (constraints.ToolCall)
        {
            case ToolCallRequirement.SpecificFunction:
                string name = constraints.RequiredFunction!;
                ToolDefinition required = definitions.Find(d => d.Name == name)
                    ?? throw new ArgumentException($"ToolMode requires the function '{name}', which is not among the request's tools.", nameof(options));
                definitions = [required];
                directives.Add($"You must call the function \"{name}\" before answering.");
                break;
            case ToolCallRequirement.AnyTool:
                directives.Add("You must call at least one of the functions before answering.");
                break;
        }

        bool single = options.AllowMultipleToolCalls == false;
        if (single)
        {
            directives.Add("Call at most one function per reply.");
        }

        return new ToolPrompt(definitions, directives, single);
    }
}
