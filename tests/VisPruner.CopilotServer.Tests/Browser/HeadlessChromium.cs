using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VisPruner.CopilotServer.Tests.Browser;

/// <summary>
/// Debian's <c>chromium</c>, headless, driven over the Chrome DevTools protocol on a WebSocket: one page, navigated,
/// scripted with <c>Runtime.evaluate</c> and photographed.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Starts the browser with a fresh profile and connects to its first page.</summary>
    public static async Task<HeadlessChromium> StartAsync(int width, int height)
    {
        string profile = Path.Combine(Path.GetTempPath(), "vispruner-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("chromium")
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
                "--remote-debugging-port=0", $"--user-data-dir={profile}", $"--window-size={width},{height}", "about:blank",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start.");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.ConnectAsync();
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Calls a DevTools method and returns its result.</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, _closing.Token);
        JsonObject answer = await reply.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return answer["error"] is { } error
            ? throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}")
            : answer["result"]!.AsObject();
    }

    /// <summary>Evaluates a script in the page (awaiting a promise it returns) and returns its value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        JsonObject result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true });
        return result["exceptionDetails"] is { } exception
            ? throw new InvalidOperationException($"The page's script failed: {exception.ToJsonString()}")
            : result["result"]!["value"];
    }

    /// <summary>Waits until a script's value is true.</summary>
    public async Task WaitForAsync(string condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while ((bool?)await EvaluateAsync($"Boolean({condition})") != true)
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"'{condition}' did not become true within {timeout.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }
    }

    public async Task<byte[]> ScreenshotAsync() =>
        Convert.FromBase64String((string)(await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }))["data"]!);

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        try
        {
            await _receiving;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The connection ends with the browser.
        }

        _socket.Dispose();
        _process.Dispose();
        _closing.Dispose();
        Directory.Delete(_profile, recursive: true);
    }

    private async Task ConnectAsync()
    {
        // The browser writes the port it chose to the profile once it listens.
        string portFile = Path.Combine(_profile, "DevToolsActivePort");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 2)
        {
            if (_process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException("chromium did not open its DevTools port; is Debian's chromium package installed?");
            }

            await Task.Delay(100);
        }

        int port = int.Parse(File.ReadAllLines(portFile)[0], System.Globalization.CultureInfo.InvariantCulture);
        using var http = new HttpClient();
        JsonArray targets = JsonNode.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/json/list")))!.AsArray();
        string page = (string)targets.First(t => (string?)t!["type"] == "page")!["webSocketDebuggerUrl"]!;
        await _socket.ConnectAsync(new Uri(page), _closing.Token);
        _receiving = ReceiveAsync();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        while (!_closing.IsCancellationRequested)
        {
            WebSocketReceiveResult part = await _socket.ReceiveAsync(buffer, _closing.Token);
            if (part.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Write(buffer, 0, part.Count);
            if (!part.EndOfMessage)
            {
                continue;
            }

            JsonObject received = JsonNode.Parse(message.ToArray())!.AsObject();
            message.SetLength(0);
            if (received["id"] is { } id && _pending.TryRemove((int)id, out TaskCompletionSource<JsonObject>? reply))
            {
                reply.SetResult(received);
            }
        }
    }
}
