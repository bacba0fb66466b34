// A local copilot: a minimal ASP.NET Core endpoint that streams answers about uploaded images, with the chat client
// registered from appsettings.json (section "VisPruner"). Listens on 127.0.0.1 only; see CopilotEndpoints for the API.
using VisPruner.CopilotServer;
using VisPruner.Engine.DemoModels;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddVisPrunerChat(builder.Configuration.GetSection("VisPruner"), options =>
{
    if (string.IsNullOrWhiteSpace(options.ModelFolder))
    {
        options.ModelFolder = DemoModelCache.GetOrCreateDemo();
        Console.Error.WriteLine("VisPruner:ModelFolder is not set: serving the tiny demo model (random weights: output is gibberish).");
    }
});

WebApplication app = builder.Build();
app.MapCopilot();
app.Run();
