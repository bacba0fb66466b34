using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VisPruner.CopilotServer.Protocol;

/// <summary>A <c>POST /v1/chat/completions</c> body, read into what the chat client takes.</summary>
/// <param name="Model">The <c>model</c> field; null when absent.</param>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">The sampling, tool, format and pruning settings.</param>
/// <param name="Stream">Whether the answer streams as server-sent events.</param>
/// <param name="IncludeUsage">Whether a stream ends with a usage chunk (<c>stream_options.include_usage</c>).</param>
/// <param name="ImageFields">The path of every image in the messages, in order.</param>
internal sealed record ChatCompletionRequest(
    string? Model, List<ChatMessage> Messages, ChatOptions Options, bool Stream, bool IncludeUsage, IReadOnlyList<string> ImageFields)
{
    /// <summary>Reads a request body.</summary>
    /// <param name="body">The parsed body.</param>
    /// <param name="allowRemoteImages">Whether the model named by the body may fetch <c>http(s)</c> images.</param>
    public static ChatCompletionRequest Read(JsonElement body, Func<string?, bool> allowRemoteImages)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new RequestError(StatusCodes.Status400BadRequest, "The request body must be a JSON object.");
        }

        string? model = JsonFields.Optional(body, "model") is { } given ? JsonFields.String(given, "model") : null;
        var imageFields = new List<string>();
        List<ChatMessage> messages = MessagesReader.Read(JsonFields.Required(body, "messages", "messages"), allowRemoteImages(model), imageFields);
        ChatOptions options = ChatOptionsReader.Read(body);
        bool stream = JsonFields.Optional(body, "stream") is { } streamValue && JsonFields.Bool(streamValue, "stream");
        bool includeUsage = JsonFields.Optional(body, "stream_options") is { } streamOptions
            && JsonFields.Optional(JsonFields.Object(streamOptions, "stream_options"), "include_usage") is { } include
            && JsonFields.Bool(include, "stream_options.include_usage");
        return new ChatCompletionRequest(model, messages, options, stream, includeUsage, imageFields);
    }
}
