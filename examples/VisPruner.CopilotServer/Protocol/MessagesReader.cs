using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VisPruner.CopilotServer.Protocol;

/// <summary>
/// Reads OpenAI chat messages into Microsoft.Extensions.AI messages: <c>system</c>/<c>developer</c>, <c>user</c> (text
/// and <c>image_url</c> parts), <c>assistant</c> (text and <c>tool_calls</c>) and <c>tool</c> (<c>tool_call_id</c>).
/// </summary>
internal static class MessagesReader
{
    /// <param name="messages">The <c>messages</c> field.</param>
    /// <param name="allowRemoteImages">Whether <c>http(s)</c> image URLs may be fetched.</param>
    /// <param name="imageFields">Receives the path of every image, in order, so engine errors can name the field.</param>
    public static List<ChatMessage> Read(JsonElement messages, bool allowRemoteImages, List<string> imageFields)
    {
        JsonFields.Array(messages, "messages");
        var read = new List<ChatMessage>();
        int index = 0;
        foreach (JsonElement message in messages.EnumerateArray())
        {
            string path = $"messages[{index++}]";
            JsonFields.Object(message, path);
            string role = JsonFields.String(JsonFields.Required(message, "role", path + ".role"), path + ".role");
            read.Add(role switch
            {
                "system" or "developer" => new ChatMessage(ChatRole.System, Text(message, path)),
                "user" => User(message, path, allowRemoteImages, imageFields),
                "assistant" => Assistant(message, path),
                "tool" => Tool(message, path),
                _ => throw RequestError.Invalid(path + ".role", $"'{path}.role' is '{role}'; use system, developer, user, assistant or tool."),
            });
        }

        return read.Count > 0 ? read : throw RequestError.Invalid("messages", "'messages' must hold at least one message.");
    }

    private static ChatMessage User(JsonElement message, string path, bool allowRemoteImages, List<string> imageFields)
    {
        JsonElement content = JsonFields.Required(message, "content", path + ".content");
        if (content.ValueKind == JsonValueKind.String)
        {
            return new ChatMessage(ChatRole.User, content.GetString());
        }

        var contents = new List<AIContent>();
        int index = 0;
        foreach (JsonElement part in JsonFields.Array(content, path + ".content").EnumerateArray())
        {
            string partPath = $"{path}.content[{index++}]";
            switch (PartType(part, partPath))
            {
                case "text":
                    contents.Add(new TextContent(PartText(part, partPath)));
                    break;
                case "image_url":
                    string imagePath = partPath + ".image_url";
                    contents.Add(ImageUrlReader.Read(JsonFields.Required(part, "image_url", imagePath), imagePath, allowRemoteImages));
                    imageFields.Add(imagePath);
                    break;
                case string other:
                    throw RequestError.Invalid(partPath + ".type", $"'{partPath}.type' is '{other}'; user messages take text and image_url parts.");
            }
        }

        return new ChatMessage(ChatRole.User, contents);
    }

    private static ChatMessage Assistant(JsonElement message, string path)
    {
        var contents = new List<AIContent>();
        if (JsonFields.Optional(message, "content") is not null)
        {
            string text = Text(message, path);
            if (text.Length > 0)
            {
                contents.Add(new TextContent(text));
            }
        }

        if (JsonFields.Optional(message, "tool_calls") is { } calls)
        {
            int index = 0;
            foreach (JsonElement call in JsonFields.Array(calls, path + ".tool_calls").EnumerateArray())
            {
                contents.Add(ToolCall(call, $"{path}.tool_calls[{index++}]"));
            }
        }

        return contents.Count > 0
            ? new ChatMessage(ChatRole.Assistant, contents)
            : throw RequestError.Invalid(path + ".content", $"'{path}' has neither content nor tool_calls.");
    }

    private static FunctionCallContent ToolCall(JsonElement call, string path)
    {
        JsonFields.Object(call, path);
        string id = JsonFields.String(JsonFields.Required(call, "id", path + ".id"), path + ".id");
        JsonElement function = JsonFields.Object(JsonFields.Required(call, "function", path + ".function"), path + ".function");
        string name = JsonFields.String(JsonFields.Required(function, "name", path + ".function.name"), path + ".function.name");
        string argumentsPath = path + ".function.arguments";
        string arguments = JsonFields.Optional(function, "arguments") is { } given ? JsonFields.String(given, argumentsPath) : "{}";
        Dictionary<string, object?>? parsed;
        try
        {
            parsed = arguments.Length == 0 ? [] : JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments);
        }
        catch (JsonException)
        {
            parsed = null;
        }

        return parsed is not null
            ? new FunctionCallContent(id, name, parsed)
            : throw RequestError.Invalid(argumentsPath, $"'{argumentsPath}' must be a JSON object in a string.");
    }

    private static ChatMessage Tool(JsonElement message, string path)
    {
        string callId = JsonFields.String(JsonFields.Required(message, "tool_call_id", path + ".tool_call_id"), path + ".tool_call_id");
        return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(callId, Text(message, path))]);
    }

    /// <summary>The text of a message whose content is a string or an array of text parts.</summary>
    private static string Text(JsonElement message, string path)
    {
        JsonElement content = JsonFields.Required(message, "content", path + ".content");
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        var text = new StringBuilder();
        int index = 0;
        foreach (JsonElement part in JsonFields.Array(content, path + ".content").EnumerateArray())
        {
            string partPath = $"{path}.content[{index++}]";
            string type = PartType(part, partPath);
            text.Append(type == "text"
                ? PartText(part, partPath)
                : throw RequestError.Invalid(partPath + ".type", $"'{partPath}.type' is '{type}'; this message takes text parts only."));
        }

        return text.ToString();
    }

    private static string PartType(JsonElement part, string path)
    {
        JsonFields.Object(part, path);
        return JsonFields.String(JsonFields.Required(part, "type", path + ".type"), path + ".type");
    }

    private static string PartText(JsonElement part, string path) =>
        JsonFields.String(JsonFields.Required(part, "text", path + ".text"), path + ".text");
}
