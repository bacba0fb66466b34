using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using VisPruner.Engine.DemoModels;

namespace VisPruner.CopilotServer;

/// <summary>
/// The copilot server: the chat client registered from configuration (section <c>VisPruner</c>), request bodies limited,
/// user mistakes answered as problem details, and the endpoints of <see cref="CopilotEndpoints"/>.
/// </summary>
public static class CopilotApp
{
    /// <summary>The largest request body accepted: the images and the question together.</summary>
    public const long MaxRequestBodyBytes = 64_000_000;

    /// <summary>Builds the server.</summary>
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--urls</c>).</param>
    /// <param name="configure">Further set-up before building (tests add a log sink); null for none.</param>
    /// <returns>The application, ready to run.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        builder.Services.AddVisPrunerChat(builder.Configuration.GetSection("VisPruner"), options =>
        {
            if (string.IsNullOrWhiteSpace(options.ModelFolder))
            {
                options.ModelFolder = DemoModelCache.GetOrCreateDemo();
                Console.Error.WriteLine("VisPruner:ModelFolder is not set: serving the tiny demo model (random weights: output is gibberish).");
            }
        });
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = MaxRequestBodyBytes);
        builder.Services.AddProblemDetails();
        configure?.Invoke(builder);

        WebApplication app = builder.Build();
        app.MapCopilot();
        return app;
    }
}
