using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using VisPruner.CopilotServer.Tests.Infrastructure;

namespace VisPruner.CopilotServer.Tests.Protocol;

/// <summary>
/// A user's mistakes get OpenAI's error shape with the right status and the field at fault, are logged at information
/// level without a stack trace, and carry no .NET leftovers; never a 500.
/// </summary>
public sealed class ErrorTests(RandomModelServer fixture) : IClassFixture<RandomModelServer>
{
    private static readonly string Png = Requests.DataUri(TestImages.Bmp(64, 64), "image/bmp");

    public static TheoryData<string, int, string?> Mistakes => new()
    {
        { "undecodable image", 415, "messages[0].content[0].image_url" },
        { "truncated png", 400, "messages[0].content[0].image_url" },
        { "tiff", 415, "messages[0].content[0].image_url" },
        { "pdf data uri", 415, "messages[0].content[0].image_url" },
        { "broken data uri", 400, "messages[0].content[0].image_url" },
        { "remote url", 400, "messages[0].content[0].image_url" },
        { "file url", 400, "messages[0].content[0].image_url" },
        { "bad second image", 415, "messages[2].content[1].image_url" },
        { "huge declared canvas", 413, "messages[0].content[0].image_url" },
        { "thirty images", 413, null },
        { "detail ultra", 400, "messages[0].content[0].image_url.detail" },
        { "zero tokens per image", 400, "vispruner.tokens_per_image" },
        { "unknown selector", 400, "vispruner.selector" },
        { "unknown vispruner setting", 400, "vispruner.budget" },
        { "no messages", 400, "messages" },
        { "empty messages", 400, "messages" },
        { "bad role", 400, "messages[0].role" },
        { "tool message without id", 400, "messages[1].tool_call_id" },
        { "arguments not json", 400, "messages[1].tool_calls[0].function.arguments" },
        { "temperature as text", 400, "temperature" },
        { "max tokens zero", 400, "max_completion_tokens" },
        { "two choices", 400, "n" },
        { "named tool not offered", 400, "tool_choice.function.name" },
        { "audio part", 400, "messages[0].content[0].type" },
        { "unknown response format", 400, "response_format.type" },
        { "unknown model", 404, "model" },
        { "not json", 400, null },
        { "a form", 415, null },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_mistake_gets_its_status_and_names_the_field(string mistake, int status, string? param)
    {
        using HttpRequestMessage request = mistake switch
        {
            "not json" => Raw("{\"messages\": [", "application/json"),
            "a form" => Raw("question=hi", "application/x-www-form-urlencoded"),
            _ => Requests.Post(Body(mistake)),
        };

        using HttpResponseMessage response = await fixture.Server.Http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        JsonElement error = await Requests.ErrorAsync(response);
        string message = error.GetProperty("message").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain("(Parameter", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value", message, StringComparison.Ordinal);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(status == 404 ? "model_not_found" : status == 413 ? "request_too_large" : status == 415 ? "unsupported_media_type" : null, error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(fixture.Server.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains(message, StringComparison.Ordinal) && !e.HasException);
        Assert.DoesNotContain(fixture.Server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_before_it_is_sent()
    {
        await using TestServer server = await fixture.StartAsync("Copilot:MaxRequestBodyBytes=100000");
        // Expect: 100-continue, as clients sending large bodies do: the server answers before the body is sent.
        using HttpRequestMessage request = Requests.Post(Requests.Question("Big?", Requests.Image(Requests.DataUri(new byte[200_000], "image/png"))));
        request.Headers.ExpectContinue = true;

        using HttpResponseMessage response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await Requests.ErrorAsync(response)).GetProperty("code").GetString());
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    private static HttpRequestMessage Raw(string body, string mediaType) => new(HttpMethod.Post, new Uri("v1/chat/completions", UriKind.Relative))
    {
        Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(mediaType)),
    };

    private static JsonObject Body(string mistake)
    {
        JsonObject One(string url, string? detail = null) => Requests.Question("What is this?", Requests.Image(url, detail));
        JsonObject body = mistake switch
        {
            "undecodable image" => One(Requests.DataUri([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "image/png")),
            "truncated png" => One(Requests.DataUri(HeaderOnlyImages.Png(640, 480)[..40], "image/png")),
            "tiff" => One(Requests.DataUri([(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0], "image/tiff")),
            "pdf data uri" => One(Requests.DataUri([1, 2, 3], "application/pdf")),
            "broken data uri" => One("data:image/png;base64,%%%not base64%%%"),
            "remote url" => One("https://example.com/photo.png"),
            "file url" => One("file:///etc/passwd"),
            "huge declared canvas" => One(Requests.DataUri(HeaderOnlyImages.Png(10_000, 10_000), "image/png")),
            "thirty images" => Requests.Question("So many?", [.. Enumerable.Range(0, 30).Select(_ => Requests.Image(Png))]),
            "detail ultra" => One(Png, "ultra"),
            "zero tokens per image" => With(One(Png), "vispruner", new JsonObject { ["tokens_per_image"] = 0 }),
            "unknown selector" => With(One(Png), "vispruner", new JsonObject { ["selector"] = "Magic" }),
            "unknown vispruner setting" => With(One(Png), "vispruner", new JsonObject { ["budget"] = 3 }),
            "no messages" => new JsonObject { ["model"] = RandomModelServer.ModelName },
            "empty messages" => new JsonObject { ["messages"] = new JsonArray() },
            "bad role" => Conversation(new JsonObject { ["role"] = "wizard", ["content"] = "hi" }),
            "tool message without id" => Conversation(User("hi"), new JsonObject { ["role"] = "tool", ["content"] = "42" }),
            "arguments not json" => Conversation(User("hi"), new JsonObject
            {
                ["role"] = "assistant",
                ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "call_1", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "f", ["arguments"] = "{nope" } }),
            }),
            "temperature as text" => With(One(Png), "temperature", "hot"),
            "max tokens zero" => With(One(Png), "max_completion_tokens", 0),
            "two choices" => With(One(Png), "n", 2),
            "named tool not offered" => With(One(Png), "tool_choice", new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "missing" } }),
            "audio part" => Conversation(new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "input_audio", ["input_audio"] = new JsonObject { ["data"] = "AAAA", ["format"] = "wav" } }),
            }),
            "unknown response format" => With(One(Png), "response_format", new JsonObject { ["type"] = "yaml" }),
            "unknown model" => With(One(Png), "model", "gpt-4o"),
            "bad second image" => Conversation(
                User("hi"),
                new JsonObject { ["role"] = "assistant", ["content"] = "Hello." },
                new JsonObject { ["role"] = "user", ["content"] = new JsonArray(Requests.Image(Png), Requests.Image(Requests.DataUri([1, 2, 3, 4, 5, 6, 7, 8], "image/png"))) }),
            _ => throw new ArgumentOutOfRangeException(nameof(mistake), mistake, "no such case"),
        };
        return body;
    }

    private static JsonObject User(string text) => new() { ["role"] = "user", ["content"] = text };

    private static JsonObject Conversation(params JsonObject[] messages) => new() { ["max_tokens"] = 4, ["messages"] = new JsonArray(messages) };

    private static JsonObject With(JsonObject body, string name, JsonNode? value)
    {
        body[name] = value;
        return body;
    }
}
