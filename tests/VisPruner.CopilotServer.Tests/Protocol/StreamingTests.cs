using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using VisPruner.CopilotServer.Tests.Infrastructure;

namespace VisPruner.CopilotServer.Tests.Protocol;

/// <summary>The wire format of a streamed completion, and what a disconnect does.</summary>
public sealed class StreamingTests(RandomModelServer fixture) : IClassFixture<RandomModelServer>
{
    private static JsonObject StreamedQuestion(bool includeUsage)
    {
        JsonObject body = Requests.Question("What is in this picture?", Requests.Image(Requests.DataUri(TestImages.Bmp(64, 48), "image/bmp")));
        body["stream"] = true;
        if (includeUsage)
        {
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return body;
    }

    [Fact]
    public async Task A_stream_is_a_role_chunk_content_a_finish_chunk_a_usage_chunk_and_DONE_under_one_id()
    {
        using HttpResponseMessage response = await Requests.PostAsync(fixture.Server.Http, StreamedQuestion(includeUsage: true));
        (List<JsonObject> chunks, bool done) = await Requests.EventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(done);
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", (string?)c["object"]));
        Assert.Single(chunks.Select(c => ((string?)c["id"], (long?)c["created"], (string?)c["model"])).Distinct());
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("length", (string?)chunks[^2]["choices"]![0]!["finish_reason"]);
        Assert.All(chunks[..^2], c => Assert.Null(c["choices"]![0]!["finish_reason"]));
        Assert.Contains(chunks[1..^2], c => c["choices"]![0]!["delta"]!["content"] is not null);

        JsonObject usage = Assert.IsType<JsonObject>(chunks[^1]["usage"]);
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
        Assert.Equal(4, (int)usage["completion_tokens"]!);
        Assert.Equal((int)usage["prompt_tokens"]! + 4, (int)usage["total_tokens"]!);
        Assert.Equal(0, (int)usage["prompt_tokens_details"]!["cached_tokens"]!);
        JsonObject pruning = usage["vispruner"]!.AsObject();
        Assert.True((int)pruning["visual_tokens"]! < (int)pruning["visual_tokens_before_pruning"]!);
        Assert.True((long)pruning["time_to_first_token_us"]! > 0);
    }

    [Fact]
    public async Task Without_include_usage_the_stream_has_no_usage_chunk()
    {
        using HttpResponseMessage response = await Requests.PostAsync(fixture.Server.Http, StreamedQuestion(includeUsage: false));
        (List<JsonObject> chunks, bool done) = await Requests.EventsAsync(response);

        Assert.True(done);
        Assert.All(chunks, c => Assert.Null(c["usage"]));
        Assert.Equal("length", (string?)chunks[^1]["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task A_client_that_disconnects_cancels_its_generation_at_once()
    {
        await using TestServer server = await fixture.StartAsync();
        JsonObject body = Requests.Endless(); // only the disconnect ends this in time

        using (HttpResponseMessage response = await Requests.PostAsync(server.Http, body))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        }

        // The engine is free again: a new request is answered, and the abandoned one was cancelled, not finished.
        using HttpResponseMessage next = await Requests.PostAsync(server.Http, Requests.Question("Hello?"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        // Requests run one at a time, so had the abandoned one run on (to its 100,000 tokens or the context's end), it would
        // have finished before the next: only the next one finished.
        Assert.Single(server.Logs.Entries, e => e.Message.StartsWith("Chat ", StringComparison.Ordinal) && e.Message.Contains(" finished (", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }
}
