using VisPruner.CopilotServer.Tests.Infrastructure;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;

namespace VisPruner.CopilotServer.Tests.Clients;

/// <summary>Runs a client scenario against a server on a scripted model, served under the model's id.</summary>
public static class ScriptedServers
{
    public static byte[] House { get; } = File.ReadAllBytes(ScriptedModels.HouseImage);

    public static async Task<T> WithServerAsync<T>(ScriptedModel model, Func<TestServer, Task<T>> scenario)
    {
        await using TestServer server = await TestServer.StartAsync(model.Folder, model.Id);
        return await scenario(server);
    }
}
