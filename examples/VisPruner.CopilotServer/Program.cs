// A local copilot: a minimal ASP.NET Core endpoint that streams answers about uploaded images, with the chat client
// registered from appsettings.json (section "VisPruner"). Listens on 127.0.0.1 only; see CopilotEndpoints for the API.
using VisPruner.CopilotServer;

CopilotApp.Build(args).Run();
