using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VisPruner.CopilotServer.Tests.Infrastructure;

/// <summary>Hand-made OpenAI requests, for what clients cannot send (mistakes) or do not show (the wire format).</summary>
public static class Requests
{
    public static string DataUri(byte[] bytes, string mediaType) => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    public static JsonObject Image(string url, string? detail = null) => new()
    {
        ["type"] = "image_url",
        ["image_url"] = detail is null ? new JsonObject { ["url"] = url } : new JsonObject { ["url"] = url, ["detail"] = detail },
    };

    /// <summary>A one-question conversation: the images, then the text.</summary>
    public static JsonObject Question(string text, params JsonObject[] images) => new()
    {
        ["max_tokens"] = 4,
        ["messages"] = new JsonArray(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray([.. images, new JsonObject { ["type"] = "text", ["text"] = text }]),
        }),
    };

    /// <summary>
    /// A streamed request that holds the engine for seconds: its JSON reply must hold a string of 30,000 characters, so no
    /// model (random weights may write end-of-sequence at any time) can finish it sooner.
    /// </summary>
    public static JsonObject Endless()
    {
        JsonObject body = Question("Talk.");
        body["max_tokens"] = 100_000;
        body["stream"] = true;
        body["response_format"] = JsonNode.Parse("""
            {"type": "json_schema", "json_schema": {"name": "talk", "schema":
              {"type": "object", "properties": {"text": {"type": "string", "minLength": 30000, "maxLength": 30000}}, "required": ["text"]}}}
            """);
        return body;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, JsonNode body, string path = "v1/chat/completions", CancellationToken cancellationToken = default) =>
        http.SendAsync(Post(body, path), HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    public static HttpRequestMessage Post(JsonNode body, string path = "v1/chat/completions") => new(HttpMethod.Post, new Uri(path, UriKind.Relative))
    {
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
    };

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>The data of every server-sent event, up to and without <c>[DONE]</c>, and whether <c>[DONE]</c> came.</summary>
    public static async Task<(List<JsonObject> Chunks, bool Done)> EventsAsync(HttpResponseMessage response)
    {
        var chunks = new List<JsonObject>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line == "data: [DONE]")
            {
                return (chunks, true);
            }

            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                chunks.Add(JsonNode.Parse(line["data: ".Length..])!.AsObject());
            }
        }

        return (chunks, false);
    }

    /// <summary>The <c>error</c> object of an OpenAI error answer, after checking the answer is JSON.</summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").Clone();
    }
}
