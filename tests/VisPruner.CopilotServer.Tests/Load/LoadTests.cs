using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using VisPruner.CopilotServer.Tests.Infrastructure;
using VisPruner.Imaging;
using VisPruner.Imaging.Png;
using Xunit.Abstractions;

namespace VisPruner.CopilotServer.Tests.Load;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadGroup
{
    public const string Name = "load";
}

/// <summary>
/// A bounded loopback load run against the server started as its README says (own process, default settings, the
/// trained demo model): concurrent streaming clients for a fixed time, then a burst of decompression bombs. Prints
/// requests per second, time to first token and resident memory; nothing may be lost, no 500, memory stays bounded.
/// </summary>
[Collection(LoadGroup.Name)]
public sealed class LoadTests(ITestOutputHelper output)
{
    private const int Clients = 4;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Concurrent_clients_for_a_fixed_time_lose_nothing_get_no_500_and_memory_stays_bounded()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        string[] images = [.. Enumerable.Range(0, 3).Select(i => Requests.DataUri(TestImages.Bmp(320 + (64 * i), 240, i), "image/bmp"))];

        // The start command serves the trained demo model, which knows the example scene.
        JsonObject sneaker = Requests.Question("What colour is the sneaker?", Requests.Image(Requests.DataUri(TrainedModelServer.FashionScene, "image/png")));
        sneaker["model"] = CopilotApp.DemoModelName;
        sneaker["max_tokens"] = 16;
        using (HttpResponseMessage answer = await Requests.PostAsync(http, sneaker))
        {
            Assert.Equal("yellow", ((string?)(await Requests.JsonAsync(answer))["choices"]![0]!["message"]!["content"])?.Trim());
        }

        foreach (string image in images)
        {
            (await StreamAsync(http, image)).Response.Dispose();
        }

        long before = server.ResidentBytes;
        var ttft = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        int incomplete = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            for (int i = client; clock.Elapsed < Duration; i++)
            {
                (HttpResponseMessage response, double firstToken, bool complete) = await StreamAsync(http, images[i % images.Length]);
                using (response)
                {
                    statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                    if (response.IsSuccessStatusCode)
                    {
                        ttft.Add(firstToken);
                        incomplete += complete ? 0 : 1;
                    }
                }
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        long afterLoad = server.ResidentBytes;

        // Decompression bombs: 6000 x 6000 pictures of one colour, a few kilobytes each, 108 MB once decoded.
        string bomb = Requests.DataUri(PngEncoder.EncodeToBytes(new RgbImage(6000, 6000)), "image/png");
        HttpStatusCode[] bombs = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using HttpResponseMessage response = await Requests.PostAsync(http, Requests.Question("What is this?", Requests.Image(bomb)));
            await response.Content.ReadAsStringAsync();
            return response.StatusCode;
        }));
        await Task.Delay(TimeSpan.FromSeconds(2));
        long afterBombs = server.ResidentBytes;

        int served = statuses.GetValueOrDefault(HttpStatusCode.OK);
        double[] sorted = [.. ttft.Order()];
        output.WriteLine($"{Clients} clients x {seconds:F1} s: {served} streamed answers ({served / seconds:F1} requests/s), statuses {string.Join(", ", statuses.Select(s => $"{(int)s.Key}: {s.Value}"))}");
        output.WriteLine($"time to first token: p50 {Percentile(sorted, 0.50):F0} ms, p95 {Percentile(sorted, 0.95):F0} ms");
        output.WriteLine($"resident memory: {Megabytes(before)} MB before, {Megabytes(afterLoad)} MB after the load, {Megabytes(afterBombs)} MB after {bombs.Length} image bombs ({string.Join(", ", bombs.Select(b => (int)b).Distinct())})");

        Assert.Equal([HttpStatusCode.OK], statuses.Keys);
        Assert.Equal(0, incomplete);
        Assert.True(served >= Clients);
        Assert.All(bombs, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.RequestEntityTooLarge, $"a bomb got {status}"));
        // Generous bounds: the figures above are what the README reports.
        Assert.True(afterLoad - before < 150_000_000, $"the load grew the server by {Megabytes(afterLoad - before)} MB");
        Assert.True(afterBombs < 1_000_000_000, $"the server holds {Megabytes(afterBombs)} MB after the bombs");
    }

    /// <summary>One streamed question: the response, the milliseconds to its first content, and whether it ended with [DONE] after usage.</summary>
    private static async Task<(HttpResponseMessage Response, double FirstToken, bool Complete)> StreamAsync(HttpClient http, string image)
    {
        JsonObject body = Requests.Question("What is in this picture?", Requests.Image(image));
        body["stream"] = true;
        body["stream_options"] = new JsonObject { ["include_usage"] = true };
        body["max_tokens"] = 8;
        var clock = Stopwatch.StartNew();
        HttpResponseMessage response = await Requests.PostAsync(http, body);
        if (!response.IsSuccessStatusCode)
        {
            return (response, 0, false);
        }

        double firstToken = 0;
        bool usage = false, done = false;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            firstToken = firstToken == 0 && line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal)
                ? clock.Elapsed.TotalMilliseconds
                : firstToken;
            usage |= line.Contains("\"usage\":", StringComparison.Ordinal);
            done |= line == "data: [DONE]";
        }

        return (response, firstToken, usage && done);
    }

    private static double Percentile(double[] sorted, double share) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(share * sorted.Length) - 1)];

    private static long Megabytes(long bytes) => bytes / 1_000_000;
}
