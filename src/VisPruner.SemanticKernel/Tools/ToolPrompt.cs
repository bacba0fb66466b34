using System.Text.Json;
using Microsoft.Extensions.AI;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.SemanticKernel.Tools;

/// <summary>
/// The tools a request offers and the instructions that steer the model toward the requested tool mode and response
/// format. Local models have no constrained decoding here, so these modes are requests to the model, not guarantees.
/// </summary>
internal sealed record ToolPrompt(IReadOnlyList<ToolDefinition> Tools, IReadOnlyList<string> Directives, bool SingleCall)
{
    public static ToolPrompt From(ChatOptions? options)
    {
        var directives = new List<string>();
        if (options?.ResponseFormat is ChatResponseFormatJson json)
        {
            directives.Add(json.Schema is JsonElement schema
                ? $"Reply with a single JSON value that conforms to this JSON schema, and nothing else:\n{schema.GetRawText()}"
                : "Reply with a single valid JSON value and nothing else.");
        }

        if (options?.Tools is not { Count: > 0 } tools || options.ToolMode is NoneChatToolMode)
        {
            return new ToolPrompt([], directives, SingleCall: false);
        }

        var definitions = new List<ToolDefinition>(tools.Count);
        foreach (AITool tool in tools)
        {
            definitions.Add(tool is AIFunctionDeclaration function
                ? new ToolDefinition(function.Name, string.IsNullOrEmpty(function.Description) ? null : function.Description, function.JsonSchema.GetRawText())
                : throw new NotSupportedException($"The tool '{tool.Name}' is a {tool.GetType().Name}; only AIFunctionDeclaration tools (functions) are supported."));
        }

        switch (options.ToolMode)
        {
            case RequiredChatToolMode { RequiredFunctionName: string name }:
                ToolDefinition required = definitions.Find(d => d.Name == name)
                    ?? throw new ArgumentException($"ToolMode requires the function '{name}', which is not among the request's tools.", nameof(options));
                definitions = [required];
                directives.Add($"You must call the function \"{name}\" before answering.");
                break;
            case RequiredChatToolMode:
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
