using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using VisPruner.CopilotServer.Tests.Infrastructure;

namespace VisPruner.CopilotServer.Tests.Protocol;

/// <summary>Many clients at once: all are served while the queue has room, and past it they get 429 with Retry-After.</summary>
public sealed class QueueTests(RandomModelServer fixture) : IClassFixture<RandomModelServer>
{
    [Fact]
    public async Task Concurrent_requests_are_all_answered_as_each_would_be_alone()
    {
        JsonObject Body(int i) => Requests.Question($"Question {i}: what is in this picture?", Requests.Image(Requests.DataUri(TestImages.Bmp(64 + i, 48), "image/bmp")));
        async Task<string> AskAsync(int i)
        {
            using HttpResponseMessage response = await Requests.PostAsync(fixture.Server.Http, Body(i));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (string)(await Requests.JsonAsync(response))["choices"]![0]!["message"]!["content"]!;
        }

        string[] together = await Task.WhenAll(Enumerable.Range(0, 6).Select(AskAsync));
        string[] alone = await SequentialAsync(AskAsync, 6);

        Assert.Equal(alone, together);
    }

    [Fact]
    public async Task A_full_queue_answers_429_with_Retry_After_and_the_waiting_request_is_served_later()
    {
        await using TestServer server = await fixture.StartAsync("Copilot:MaxConcurrentRequests=1", "Copilot:MaxQueuedRequests=1", "Copilot:RetryAfterSeconds=3");
        JsonObject endless = Requests.Endless();
        using var stop = new CancellationTokenSource();

        // One request holds the engine; of the next two, one waits and the other finds the queue full.
        HttpResponseMessage running = await Requests.PostAsync(server.Http, endless, cancellationToken: stop.Token);
        var reader = new StreamReader(await running.Content.ReadAsStreamAsync(stop.Token));
        Assert.StartsWith("data: ", await reader.ReadLineAsync(stop.Token), StringComparison.Ordinal);
        Task<HttpResponseMessage>[] next = [Requests.PostAsync(server.Http, Requests.Question("Hello?")), Requests.PostAsync(server.Http, Requests.Question("Me too?"))];
        Task<HttpResponseMessage> first = await Task.WhenAny(next);
        HttpResponseMessage refused = await first;
        Task<HttpResponseMessage> waiting = next.Single(t => t != first);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        JsonElement error = await Requests.ErrorAsync(refused);
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
        Assert.Contains("busy", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(waiting.IsCompleted);

        await stop.CancelAsync();
        reader.Dispose();
        running.Dispose();
        using HttpResponseMessage served = await waiting;
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("status 429", StringComparison.Ordinal) && !e.HasException);
        refused.Dispose();
    }

    private static async Task<string[]> SequentialAsync(Func<int, Task<string>> ask, int count)
    {
        var answers = new string[count];
        for (int i = 0; i < count; i++)
        {
            answers[i] = await ask(i);
        }

        return answers;
    }
}
