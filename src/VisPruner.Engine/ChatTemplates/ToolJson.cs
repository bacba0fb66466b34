using System.Text;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>The JSON shapes templates render for tool schemas and tool calls.</summary>
internal static class ToolJson
{
    /// <summary>OpenAI-style <c>{"type": "function", "function": {...}}</c>, as Qwen's template lists tools.</summary>
    public static string FunctionTool(ToolDefinition tool)
    {
        var builder = new StringBuilder("{\"type\": \"function\", \"function\": ");
        AppendFunction(tool, builder);
        return builder.Append('}').ToString();
    }

    /// <summary>A JSON array of <c>{"name", "description", "parameters"}</c> objects, as Phi-4 lists tools.</summary>
    public static string FunctionList(IReadOnlyList<ToolDefinition> tools)
    {
        var builder = new StringBuilder("[");
        for (var i = 0; i < tools.Count; i++)
        {
            builder.Append(i == 0 ? "" : ", ");
            AppendFunction(tools[i], builder);
        }

        return builder.Append(']').ToString();
    }

    /// <summary>
    /// The "# Tools" section of Qwen's system turn: the function schemas inside <c>&lt;tools&gt;</c> and the
    /// <c>&lt;tool_call&gt;</c> reply format. Phi-3.5, without tool tokens of its own, is prompted the same way.
    /// </summary>
    public static string ToolsSection(IReadOnlyList<ToolDefinition> tools)
    {
        var text = new StringBuilder("# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        foreach (var tool in tools)
        {
            text.Append('\n').Append(FunctionTool(tool));
        }

        return text.Append("\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>").ToString();
    }

    /// <summary><c>{"name": ..., "arguments": {...}}</c>, the arguments under <paramref name="argumentsName"/>.</summary>
    public static string Call(ToolCallPart call, string argumentsName = "arguments")
    {
        var builder = new StringBuilder("{\"name\": ");
        PythonJson.WriteString(call.Name, builder);
        builder.Append(", ");
        PythonJson.WriteString(argumentsName, builder);
        builder.Append(": ").Append(PythonJson.Format(call.ArgumentsJson, $"arguments of the '{call.Name}' tool call"));
        return builder.Append('}').ToString();
    }

    private static void AppendFunction(ToolDefinition tool, StringBuilder builder)
    {
        builder.Append("{\"name\": ");
        PythonJson.WriteString(tool.Name, builder);
        if (tool.Description is not null)
        {
            builder.Append(", \"description\": ");
            PythonJson.WriteString(tool.Description, builder);
        }

        string schema = PythonJson.Format(tool.ParametersSchemaJson, $"parameter schema of the '{tool.Name}' tool");
        if (!schema.StartsWith('{'))
        {
            throw new ArgumentException($"The parameter schema of the '{tool.Name}' tool must be a JSON object.", nameof(tool));
        }

        builder.Append(", \"parameters\": ").Append(schema);
        builder.Append('}');
    }
}
