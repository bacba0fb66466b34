using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VisPruner.CopilotServer.Tests.Infrastructure;

/// <summary>
/// The real copilot server (<see cref="CopilotApp"/>) on a free loopback port, serving a model folder under a name,
/// with every log entry kept.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, LogSink logs, string model)
    {
        _app = app;
        Logs = logs;
        Model = model;
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri BaseAddress { get; }

    /// <summary>The OpenAI API's base address, as clients take it.</summary>
    public Uri ApiAddress => new(BaseAddress, "v1/");

    public HttpClient Http { get; }

    public LogSink Logs { get; }

    public string Model { get; }

    /// <summary>Starts a server on <paramref name="modelFolder"/>, served as <paramref name="model"/>.</summary>
    /// <param name="settings">Further configuration, as <c>Section:Key=value</c>.</param>
    public static async Task<TestServer> StartAsync(string modelFolder, string model = "test-model", params string[] settings)
    {
        var logs = new LogSink();
        WebApplication app = CopilotApp.Build(
            ["--urls=http://127.0.0.1:0", "--model", modelFolder, $"--VisPruner:ModelId={model}", "--Logging:LogLevel:Default=Debug", .. settings.Select(s => "--" + s)],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.SetMinimumLevel(LogLevel.Debug);
                builder.Logging.AddProvider(logs);
            });
        await app.StartAsync();
        return new TestServer(app, logs, model);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
