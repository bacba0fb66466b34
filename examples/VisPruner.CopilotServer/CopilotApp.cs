using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using VisPruner.CopilotServer.Endpoints;
using VisPruner.CopilotServer.Hosting;
using VisPruner.CopilotServer.Protocol;
using VisPruner.DemoModels;
using VisPruner.Extensions.AI;

namespace VisPruner.CopilotServer;

/// <summary>
/// The copilot server: OpenAI's Chat Completions API over one or more local models, and a chat page at <c>/</c>.
/// Models come from the <c>Models</c> section (one child per model name) or, without it, from the <c>VisPruner</c>
/// section, whose folder defaults to the built-in trained demo model (<c>--model DIR</c> sets it).
/// </summary>
public static class CopilotApp
{
    /// <summary>The name the built-in demo model is served under.</summary>
    public const string DemoModelName = "vispruner-demo";

    private const string EnginePolicy = "engine";

    // What a server started without configuration does: loopback only, for loopback host names only.
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Urls"] = "http://127.0.0.1:5117",
        ["AllowedHosts"] = "localhost;127.0.0.1;[::1]",
    };

    /// <summary>Builds the server and loads its models.</summary>
    /// <param name="args">Command-line arguments: configuration overrides such as <c>--urls</c>, and <c>--model DIR</c>.</param>
    /// <param name="configure">Further set-up before building (tests add a log sink); null for none.</param>
    /// <returns>The application, ready to run.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Defaults });
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--model"] = "VisPruner:ModelFolder" });
        configure?.Invoke(builder);

        CopilotOptions copilot = builder.Configuration.GetSection(CopilotOptions.SectionName).Get<CopilotOptions>() ?? new CopilotOptions();
        if (copilot.Validate() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        builder.Services.AddSingleton(copilot);
        builder.Services.AddSingleton<Refusals>();
        List<string> models = AddModels(builder);
        if (copilot.DefaultModel is { Length: > 0 } preferred)
        {
            // The catalog's first model is the default.
            models = models.Remove(preferred)
                ? [preferred, .. models]
                : throw new InvalidOperationException($"Copilot:DefaultModel is '{preferred}', which is not among the models ({string.Join(", ", models)}).");
        }

        builder.Services.AddSingleton(provider => new ModelCatalog(provider, models));
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = copilot.MaxRequestBodyBytes);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddConcurrencyLimiter(EnginePolicy, queue =>
            {
                queue.PermitLimit = copilot.MaxConcurrentRequests;
                queue.QueueLimit = copilot.MaxQueuedRequests;
                queue.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            limiter.OnRejected = (rejected, _) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = copilot.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(rejected.HttpContext.RequestServices.GetRequiredService<Refusals>().WriteAsync(rejected.HttpContext, new RequestError(
                    StatusCodes.Status429TooManyRequests,
                    $"The server is busy: {copilot.MaxConcurrentRequests} requests are running and {copilot.MaxQueuedRequests} waiting. Retry after {copilot.RetryAfterSeconds} s.")));
            };
        });
        if (copilot.AllowedOrigins.Length > 0)
        {
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
                policy.WithOrigins(copilot.AllowedOrigins).WithHeaders("authorization", "content-type").WithMethods("GET", "POST")));
        }

        WebApplication app = builder.Build();
        app.Services.GetRequiredService<ModelCatalog>().LoadAll();

        app.UseMiddleware<ErrorHandling>();
        app.UseMiddleware<RequestGuard>();
        if (copilot.AllowedOrigins.Length > 0)
        {
            app.UseCors();
        }

        app.UseRateLimiter();
        app.MapGet("/", ChatPage.Serve);
        app.MapGet("/v1/models", ModelsEndpoint.ListAsync);
        app.MapGet("/v1/models/{id}", ModelsEndpoint.GetAsync);
        app.MapPost("/v1/chat/completions", ChatCompletionsEndpoint.HandleAsync).RequireRateLimiting(EnginePolicy);
        app.MapPost("/v1/vispruner/explain", ExplainEndpoint.HandleAsync).RequireRateLimiting(EnginePolicy);
        return app;
    }

    /// <summary>Registers a keyed chat client per configured model and returns their names, sorted by name (as configuration lists them).</summary>
    private static List<string> AddModels(WebApplicationBuilder builder)
    {
        var names = new List<string>();
        foreach (IConfigurationSection model in builder.Configuration.GetSection("Models").GetChildren())
        {
            names.Add(model.Key);
            builder.Services.AddKeyedVisPrunerChatClient(model.Key, model, options => options.ModelId = model.Key);
        }

        if (names.Count == 0)
        {
            IConfigurationSection section = builder.Configuration.GetSection(VisPrunerChatClientOptions.DefaultSectionName);
            string folder = section[nameof(VisPrunerChatClientOptions.ModelFolder)] ?? string.Empty;
            string name = section[nameof(VisPrunerChatClientOptions.ModelId)] is { Length: > 0 } id ? id
                : folder.Length > 0 ? new DirectoryInfo(Path.GetFullPath(folder)).Name
                : DemoModelName;
            names.Add(name);
            builder.Services.AddKeyedVisPrunerChatClient(name, section, options =>
            {
                options.ModelId = name;
                if (string.IsNullOrWhiteSpace(options.ModelFolder))
                {
                    options.ModelFolder = TrainedDemoModel.GetOrCreateFolder();
                }
            });
        }

        return names;
    }
}
