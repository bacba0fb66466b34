using Microsoft.Extensions.DependencyInjection;

namespace VisPruner.SemanticKernel.IntegrationTests.Infrastructure;

/// <summary>A container with one model registered through the Microsoft.Extensions.AI entry point, as an app without Semantic Kernel registers it.</summary>
public static class ChatClientServices
{
    public static ServiceProvider Build(Action<VisPrunerChatClientOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddVisPrunerChatClient(configure);
        return services.BuildServiceProvider();
    }
}
