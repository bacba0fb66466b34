using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VisPruner.CopilotServer.Protocol;

/// <summary>
/// Reads a request's parameters into <see cref="ChatOptions"/>: <c>max_tokens</c>/<c>max_completion_tokens</c>,
/// <c>temperature</c>, <c>top_p</c>, <c>seed</c>, <c>stop</c>, <c>response_format</c>, <c>tools</c>, <c>tool_choice</c>,
/// <c>parallel_tool_calls</c> and the <c>vispruner</c> extension. Parameters the model cannot honour in a way a client
/// would rely on (<c>n</c> above 1, <c>logprobs</c>) are refused; others are ignored.
/// </summary>
internal static class ChatOptionsReader
{
    private static readonly JsonElement EmptyParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    public static ChatOptions Read(JsonElement body)
    {
        var options = new ChatOptions();
        // max_completion_tokens replaced max_tokens; a client may send both.
        (JsonElement? tokens, string tokensPath) = JsonFields.Optional(body, "max_completion_tokens") is { } max
            ? (max, "max_completion_tokens")
            : (JsonFields.Optional(body, "max_tokens"), "max_tokens");
        if (tokens is { } limit)
        {
            options.MaxOutputTokens = checked((int)JsonFields.Integer(limit, tokensPath, min: 1, max: int.MaxValue));
        }

        if (JsonFields.Optional(body, "temperature") is { } temperature)
        {
            options.Temperature = (float)JsonFields.Number(temperature, "temperature", 0, 2);
        }

        if (JsonFields.Optional(body, "top_p") is { } topP)
        {
            options.TopP = (float)JsonFields.Number(topP, "top_p", 0, 1, minExclusive: true);
        }

        if (JsonFields.Optional(body, "seed") is { } seed)
        {
            options.Seed = JsonFields.Integer(seed, "seed", long.MinValue);
        }

        if (JsonFields.Optional(body, "stop") is { } stop)
        {
            options.StopSequences = Stop(stop);
        }

        if (JsonFields.Optional(body, "n") is { } n && JsonFields.Integer(n, "n", 1) != 1)
        {
            throw RequestError.Invalid("n", "'n' must be 1: this server writes one choice per request.");
        }

        if (JsonFields.Optional(body, "logprobs") is { } logprobs && JsonFields.Bool(logprobs, "logprobs"))
        {
            throw RequestError.Invalid("logprobs", "'logprobs' is not supported by this server.");
        }

        if (JsonFields.Optional(body, "response_format") is { } format)
        {
            options.ResponseFormat = ResponseFormat(format);
        }

        if (JsonFields.Optional(body, "tools") is { } tools)
        {
            options.Tools = Tools(tools);
        }

        if (JsonFields.Optional(body, "tool_choice") is { } choice)
        {
            options.ToolMode = ToolMode(choice, options.Tools);
        }

        if (JsonFields.Optional(body, "parallel_tool_calls") is { } parallel)
        {
            options.AllowMultipleToolCalls = JsonFields.Bool(parallel, "parallel_tool_calls");
        }

        if (JsonFields.Optional(body, "vispruner") is { } extension)
        {
            PruningReader.Read(extension, options);
        }

        return options;
    }

    private static List<string> Stop(JsonElement stop)
    {
        if (stop.ValueKind == JsonValueKind.String)
        {
            return [stop.GetString()!];
        }

        var sequences = new List<string>();
        int index = 0;
        foreach (JsonElement sequence in JsonFields.Array(stop, "stop").EnumerateArray())
        {
            string text = JsonFields.String(sequence, $"stop[{index++}]");
            sequences.Add(text.Length > 0 ? text : throw RequestError.Invalid($"stop[{index - 1}]", $"'stop[{index - 1}]' must not be empty."));
        }

        return sequences;
    }

    private static ChatResponseFormat ResponseFormat(JsonElement format)
    {
        JsonFields.Object(format, "response_format");
        string type = JsonFields.String(JsonFields.Required(format, "type", "response_format.type"), "response_format.type");
        switch (type)
        {
            case "text":
                return ChatResponseFormat.Text;
            case "json_object":
                return ChatResponseFormat.Json;
            case "json_schema":
                JsonElement wrapper = JsonFields.Object(JsonFields.Required(format, "json_schema", "response_format.json_schema"), "response_format.json_schema");
                JsonElement schema = JsonFields.Object(JsonFields.Required(wrapper, "schema", "response_format.json_schema.schema"), "response_format.json_schema.schema");
                string? name = JsonFields.Optional(wrapper, "name") is { } n ? JsonFields.String(n, "response_format.json_schema.name") : null;
                string? description = JsonFields.Optional(wrapper, "description") is { } d ? JsonFields.String(d, "response_format.json_schema.description") : null;
                if (JsonFields.Optional(wrapper, "strict") is { } strict)
                {
                    // Replies are always held to the schema while decoding; strict asks for nothing more.
                    JsonFields.Bool(strict, "response_format.json_schema.strict");
                }

                return ChatResponseFormat.ForJsonSchema(schema.Clone(), name, description);
            default:
                throw RequestError.Invalid("response_format.type", $"'response_format.type' is '{type}'; use text, json_object or json_schema.");
        }
    }

    private static List<AITool> Tools(JsonElement tools)
    {
        var declared = new List<AITool>();
        int index = 0;
        foreach (JsonElement tool in JsonFields.Array(tools, "tools").EnumerateArray())
        {
            string path = $"tools[{index++}]";
            JsonFields.Object(tool, path);
            string type = JsonFields.String(JsonFields.Required(tool, "type", path + ".type"), path + ".type");
            if (type != "function")
            {
                throw RequestError.Invalid(path + ".type", $"'{path}.type' is '{type}'; only function tools are supported.");
            }

            JsonElement function = JsonFields.Object(JsonFields.Required(tool, "function", path + ".function"), path + ".function");
            string name = JsonFields.String(JsonFields.Required(function, "name", path + ".function.name"), path + ".function.name");
            if (name.Length == 0 || declared.Any(t => t.Name == name))
            {
                throw RequestError.Invalid(path + ".function.name", $"'{path}.function.name' must be a non-empty name no other tool has.");
            }

            string? description = JsonFields.Optional(function, "description") is { } d ? JsonFields.String(d, path + ".function.description") : null;
            JsonElement parameters = JsonFields.Optional(function, "parameters") is { } p ? JsonFields.Object(p, path + ".function.parameters").Clone() : EmptyParameters;
            declared.Add(AIFunctionFactory.CreateDeclaration(name, description, parameters));
        }

        return declared;
    }

    private static ChatToolMode ToolMode(JsonElement choice, IList<AITool>? tools)
    {
        if (choice.ValueKind == JsonValueKind.String)
        {
            return choice.GetString() switch
            {
                "none" => ChatToolMode.None,
                "auto" => ChatToolMode.Auto,
                "required" => tools is { Count: > 0 } ? ChatToolMode.RequireAny : throw RequestError.Invalid("tool_choice", "'tool_choice' is required, but no tools are given."),
                var other => throw RequestError.Invalid("tool_choice", $"'tool_choice' is '{other}'; use none, auto, required or {{\"type\": \"function\", \"function\": {{\"name\": ...}}}}."),
            };
        }

        JsonFields.Object(choice, "tool_choice");
        JsonElement function = JsonFields.Object(JsonFields.Required(choice, "function", "tool_choice.function"), "tool_choice.function");
        string name = JsonFields.String(JsonFields.Required(function, "name", "tool_choice.function.name"), "tool_choice.function.name");
        return tools?.Any(t => t.Name == name) == true
            ? ChatToolMode.RequireSpecific(name)
            : throw RequestError.Invalid("tool_choice.function.name", $"'tool_choice.function.name' is '{name}', which is not among the tools.");
    }
}
