using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VisPruner.CopilotServer;
using VisPruner.Engine.DemoModels;

namespace VisPruner.CopilotServer.Tests;

/// <summary>
/// The real server on loopback, driven over HTTP: answers stream as server-sent events, and a user's mistakes get 400,
/// 413 or 415 with a problem-details body, logged below error level.
/// </summary>
public sealed class CopilotServerTests : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vispruner-copilot-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _logs = new();
    private WebApplication? _app;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        TinyPhi3VisionModel.Write(_folder);
        _app = CopilotApp.Build(
            ["--urls=http://127.0.0.1:0", $"--VisPruner:ModelFolder={_folder}", "--VisPruner:DefaultMaxOutputTokens=4"],
            builder => builder.Logging.AddProvider(new ListLoggerProvider(_logs)));
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_question_about_an_image_streams_text_then_the_usage_figures()
    {
        using HttpResponseMessage response = await PostAsync(Form(("image", TestImages.Bmp(400, 300), "image/bmp")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("event: usage", body, StringComparison.Ordinal);
        Assert.Contains("visual_tokens", body, StringComparison.Ordinal);
        Assert.Contains("time_to_first_token_us", body, StringComparison.Ordinal);
    }

    public static TheoryData<string, int> Mistakes => new()
    {
        { "undecodable", 415 }, // bytes of no known format
        { "truncated png", 400 },
        { "tiff", 415 },
        { "not an image type", 415 },
        { "detail ultra", 400 },
        { "zero tokens per image", 400 },
        { "thirty images", 413 },
        { "huge declared canvas", 413 },
        { "no question", 400 },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_users_mistake_gets_a_problem_details_answer_and_no_error_log(string mistake, int status)
    {
        byte[] png = TestImages.Bmp(64, 64);
        MultipartFormDataContent form = mistake switch
        {
            "undecodable" => Form(("image", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "image/png")),
            "truncated png" => Form(("image", HeaderOnlyImages.Png(640, 480)[..40], "image/png")),
            "tiff" => Form(("image", [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0], "image/tiff")),
            "not an image type" => Form(("image", png, "application/pdf")),
            "detail ultra" => Form([("image", png, "image/bmp")], ("detail", "ultra")),
            "zero tokens per image" => Form([("image", png, "image/bmp")], ("tokens_per_image", "0")),
            "thirty images" => Form([.. Enumerable.Repeat(("image", png, "image/bmp"), 30)]),
            "huge declared canvas" => Form(("image", HeaderOnlyImages.Png(10_000, 10_000), "image/png")),
            _ => Form([("image", png, "image/bmp")], ("question", " ")),
        };

        using HttpResponseMessage response = await PostAsync(form);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
        Assert.DoesNotContain(_logs, log => log.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413()
    {
        // Expect: 100-continue, as clients sending large bodies do: the server answers before the body is sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/chat", UriKind.Relative))
        {
            Content = Form(("image", new byte[CopilotApp.MaxRequestBodyBytes + 1], "image/png")),
        };
        request.Headers.ExpectContinue = true;
        using HttpResponseMessage response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.DoesNotContain(_logs, log => log.Level >= LogLevel.Error);
    }

    private async Task<HttpResponseMessage> PostAsync(MultipartFormDataContent form)
    {
        using (form)
        {
            return await _http.PostAsync(new Uri("/chat", UriKind.Relative), form);
        }
    }

    private static MultipartFormDataContent Form(params (string Name, byte[] Bytes, string Type)[] files) => Form(files, ("question", "What is in this picture?"));

    private static MultipartFormDataContent Form((string Name, byte[] Bytes, string Type)[] files, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach ((string name, byte[] bytes, string type) in files)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(file, name, "upload");
        }

        if (!fields.Any(f => f.Name == "question"))
        {
            form.Add(new StringContent("What is in this picture?"), "question");
        }

        foreach ((string name, string value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<(LogLevel, string)> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(logs);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ConcurrentQueue<(LogLevel, string)> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
