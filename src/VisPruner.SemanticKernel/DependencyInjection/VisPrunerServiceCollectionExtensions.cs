using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel.ChatCompletion;
using VisPruner.Extensions.AI;
using VisPruner.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a local VisPruner model for Semantic Kernel and Microsoft.Extensions.AI at once: everything
/// <see cref="VisPrunerChatClientServiceCollectionExtensions"/> registers (the engine, the <see cref="VisPrunerChatClient"/>
/// and the <see cref="IChatClient"/> pipeline), plus a <see cref="VisPrunerChatCompletionService"/> (also as Semantic
/// Kernel's <see cref="IChatCompletionService"/>) over the same client and engine.
/// </summary>
/// <remarks>
/// The returned <see cref="ChatClientBuilder"/> shapes the <see cref="IChatClient"/> pipeline only. The
/// <see cref="IChatCompletionService"/> runs on the client directly and invokes kernel functions itself when a request
/// sets a <c>FunctionChoiceBehavior</c>, as Semantic Kernel's services do. Lifetimes, validation at start and keyed
/// options are as described on <see cref="VisPrunerChatClientServiceCollectionExtensions"/>.
/// </remarks>
public static class VisPrunerServiceCollectionExtensions
{
    /// <summary>Registers the model's services, configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (at least <see cref="VisPrunerChatClientOptions.ModelFolder"/>).</param>
    /// <returns>The builder of the registered <see cref="IChatClient"/> pipeline.</returns>
    public static ChatClientBuilder AddVisPrunerChat(this IServiceCollection services, Action<VisPrunerChatClientOptions>? configure = null)
    {
        ChatClientBuilder builder = services.AddVisPrunerChatClient(configure);
        AddChatCompletion(services, serviceKey: null);
        return builder;
    }

    /// <summary>Registers the model's services, configured from a configuration section (such as <c>VisPruner</c> in appsettings.json).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options, or a root whose <c>VisPruner</c> section holds them.</param>
    /// <param name="configure">Further settings applied after binding; null for none.</param>
    /// <returns>The builder of the registered <see cref="IChatClient"/> pipeline.</returns>
    public static ChatClientBuilder AddVisPrunerChat(this IServiceCollection services, IConfiguration configuration, Action<VisPrunerChatClientOptions>? configure = null)
    {
        ChatClientBuilder builder = services.AddVisPrunerChatClient(configuration, configure);
        AddChatCompletion(services, serviceKey: null);
        return builder;
    }

    /// <summary>Registers the model's services (and its own engine) under <paramref name="serviceKey"/>, configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key (for Semantic Kernel, the service id); its text names the options.</param>
    /// <param name="configure">Sets the options (at least <see cref="VisPrunerChatClientOptions.ModelFolder"/>).</param>
    /// <returns>The builder of the registered keyed <see cref="IChatClient"/> pipeline.</returns>
    public static ChatClientBuilder AddKeyedVisPrunerChat(this IServiceCollection services, object serviceKey, Action<VisPrunerChatClientOptions>? configure = null)
    {
        ChatClientBuilder builder = services.AddKeyedVisPrunerChatClient(serviceKey, configure);
        AddChatCompletion(services, serviceKey);
        return builder;
    }

    /// <summary>Registers the model's services (and its own engine) under <paramref name="serviceKey"/>, configured from a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key (for Semantic Kernel, the service id); its text names the options.</param>
    /// <param name="configuration">The section holding the options, or a root whose <c>VisPruner</c> section holds them.</param>
    /// <param name="configure">Further settings applied after binding; null for none.</param>
    /// <returns>The builder of the registered keyed <see cref="IChatClient"/> pipeline.</returns>
    public static ChatClientBuilder AddKeyedVisPrunerChat(
        this IServiceCollection services, object serviceKey, IConfiguration configuration, Action<VisPrunerChatClientOptions>? configure = null)
    {
        ChatClientBuilder builder = services.AddKeyedVisPrunerChatClient(serviceKey, configuration, configure);
        AddChatCompletion(services, serviceKey);
        return builder;
    }

    /// <summary>Registers a Semantic Kernel chat completion service (and the model's other services) on the model in <paramref name="modelFolder"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="modelFolder">The model folder (<c>genai_config.json</c>, ONNX files, tokenizer).</param>
    /// <param name="serviceId">The service id; null registers the default service.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddVisPrunerChatCompletion(this IServiceCollection services, string modelFolder, string? serviceId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        return services.AddVisPrunerChatCompletion(options => options.ModelFolder = modelFolder, serviceId);
    }

    /// <summary>Registers a Semantic Kernel chat completion service (and the model's other services), configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (at least <see cref="VisPrunerChatClientOptions.ModelFolder"/>).</param>
    /// <param name="serviceId">The service id; null registers the default service.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddVisPrunerChatCompletion(this IServiceCollection services, Action<VisPrunerChatClientOptions> configure, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _ = serviceId is null ? services.AddVisPrunerChat(configure) : services.AddKeyedVisPrunerChat(ValidServiceId(serviceId), configure);
        return services;
    }

    /// <summary>Registers a Semantic Kernel chat completion service (and the model's other services), configured from a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options, or a root whose <c>VisPruner</c> section holds them.</param>
    /// <param name="serviceId">The service id; null registers the default service.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddVisPrunerChatCompletion(this IServiceCollection services, IConfiguration configuration, string? serviceId = null)
    {
        _ = serviceId is null ? services.AddVisPrunerChat(configuration) : services.AddKeyedVisPrunerChat(ValidServiceId(serviceId), configuration);
        return services;
    }

    private static void AddChatCompletion(IServiceCollection services, object? serviceKey)
    {
        services.TryAddKeyedSingleton(serviceKey, (provider, key) =>
            new VisPrunerChatCompletionService(provider.GetRequiredKeyedService<VisPrunerChatClient>(key), provider.GetService<ILoggerFactory>(), provider));
        services.TryAddKeyedSingleton<IChatCompletionService>(serviceKey, (provider, key) => provider.GetRequiredKeyedService<VisPrunerChatCompletionService>(key));
    }

    private static string ValidServiceId(string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        return serviceId;
    }
}
