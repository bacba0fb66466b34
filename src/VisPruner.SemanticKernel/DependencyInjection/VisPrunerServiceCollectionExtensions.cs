using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.ChatCompletion;
using VisPruner.Engine;
using VisPruner.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a local VisPruner model: its <see cref="MultimodalEngine"/>, a <see cref="VisPrunerChatClient"/> (also as
/// <see cref="IChatClient"/>) and a <see cref="VisPrunerChatCompletionService"/> (also as Semantic Kernel's
/// <see cref="IChatCompletionService"/>).
/// </summary>
/// <remarks>
/// <para>
/// All are singletons over one engine, loaded when a service is first resolved and released with the container. The
/// options are validated when the host starts (<c>ValidateOnStart</c>): a missing model folder stops the application at
/// startup. Without a host, resolve <see cref="IStartupValidator"/> and call <c>Validate()</c> to get the same check;
/// otherwise the first resolution fails with the same message.
/// </para>
/// <para>
/// The <see cref="IChatClient"/> returns function calls without invoking them, as Microsoft.Extensions.AI clients do
/// (compose <c>UseFunctionInvocation()</c>, or let Agent Framework do it). The <see cref="IChatCompletionService"/> invokes
/// kernel functions itself when a request sets a <c>FunctionChoiceBehavior</c>, as Semantic Kernel's services do.
/// </para>
/// <para>
/// Keyed registrations (Semantic Kernel's service ids) keep their options under the key's text as the options name, so
/// several models can coexist.
/// </para>
/// </remarks>
public static class VisPrunerServiceCollectionExtensions
{
    /// <summary>Registers the model's services, configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (at least <see cref="VisPrunerChatOptions.ModelFolder"/>).</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddVisPrunerChat(this IServiceCollection services, Action<VisPrunerChatOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Register(services, serviceKey: null, Options.Options.DefaultName, configure);
    }

    /// <summary>Registers the model's services, configured from a configuration section (such as <c>VisPruner</c> in appsettings.json).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options, or a root whose <c>VisPruner</c> section holds them.</param>
    /// <param name="configure">Further settings applied after binding; null for none.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddVisPrunerChat(this IServiceCollection services, IConfiguration configuration, Action<VisPrunerChatOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<VisPrunerChatOptions>().Bind(SectionOf(configuration));
        return services.AddVisPrunerChat(configure);
    }

    /// <summary>Registers the model's services (and its own engine) under <paramref name="serviceKey"/>, configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key (for Semantic Kernel, the service id); its text names the options.</param>
    /// <param name="configure">Sets the options (at least <see cref="VisPrunerChatOptions.ModelFolder"/>).</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddKeyedVisPrunerChat(this IServiceCollection services, object serviceKey, Action<VisPrunerChatOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        return Register(services, serviceKey, OptionsName(serviceKey), configure);
    }

    /// <summary>Registers the model's services (and its own engine) under <paramref name="serviceKey"/>, configured from a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key (for Semantic Kernel, the service id); its text names the options.</param>
    /// <param name="configuration">The section holding the options, or a root whose <c>VisPruner</c> section holds them.</param>
    /// <param name="configure">Further settings applied after binding; null for none.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddKeyedVisPrunerChat(
        this IServiceCollection services, object serviceKey, IConfiguration configuration, Action<VisPrunerChatOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<VisPrunerChatOptions>(OptionsName(serviceKey)).Bind(SectionOf(configuration));
        return services.AddKeyedVisPrunerChat(serviceKey, configure);
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
    /// <param name="configure">Sets the options (at least <see cref="VisPrunerChatOptions.ModelFolder"/>).</param>
    /// <param name="serviceId">The service id; null registers the default service.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddVisPrunerChatCompletion(this IServiceCollection services, Action<VisPrunerChatOptions> configure, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return serviceId is null ? services.AddVisPrunerChat(configure) : services.AddKeyedVisPrunerChat(ValidServiceId(serviceId), configure);
    }

    /// <summary>Registers a Semantic Kernel chat completion service (and the model's other services), configured from a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options, or a root whose <c>VisPruner</c> section holds them.</param>
    /// <param name="serviceId">The service id; null registers the default service.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddVisPrunerChatCompletion(this IServiceCollection services, IConfiguration configuration, string? serviceId = null) =>
        serviceId is null ? services.AddVisPrunerChat(configuration) : services.AddKeyedVisPrunerChat(ValidServiceId(serviceId), configuration);

    // A null key registers the unkeyed services: keyed and unkeyed registrations share one code path.
    private static IServiceCollection Register(IServiceCollection services, object? serviceKey, string optionsName, Action<VisPrunerChatOptions>? configure)
    {
        AddOptions(services, optionsName, configure);
        services.TryAddKeyedSingleton(serviceKey, (provider, _) => LoadEngine(provider, optionsName));
        services.TryAddKeyedSingleton(serviceKey, (provider, key) => CreateClient(provider, provider.GetRequiredKeyedService<MultimodalEngine>(key), optionsName));
        services.TryAddKeyedSingleton<IChatClient>(serviceKey, (provider, key) => provider.GetRequiredKeyedService<VisPrunerChatClient>(key));
        services.TryAddKeyedSingleton(serviceKey, (provider, key) =>
            new VisPrunerChatCompletionService(provider.GetRequiredKeyedService<VisPrunerChatClient>(key), provider.GetService<ILoggerFactory>(), provider));
        services.TryAddKeyedSingleton<IChatCompletionService>(serviceKey, (provider, key) => provider.GetRequiredKeyedService<VisPrunerChatCompletionService>(key));
        return services;
    }

    private static void AddOptions(IServiceCollection services, string name, Action<VisPrunerChatOptions>? configure)
    {
        OptionsBuilder<VisPrunerChatOptions> options = services.AddOptions<VisPrunerChatOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<VisPrunerChatOptions>>(new VisPrunerChatOptionsValidator(name));
    }

    // Loading is synchronous because DI factories are; it runs once, when the client is first resolved.
    private static MultimodalEngine LoadEngine(IServiceProvider provider, string name)
    {
        VisPrunerChatOptions options = provider.GetRequiredService<IOptionsMonitor<VisPrunerChatOptions>>().Get(name);
        ILoggerFactory? loggerFactory = provider.GetService<ILoggerFactory>();
        return Task.Run(() => MultimodalEngine.LoadAsync(options.ModelFolder, options.Engine, loggerFactory)).GetAwaiter().GetResult();
    }

    private static VisPrunerChatClient CreateClient(IServiceProvider provider, MultimodalEngine engine, string name) =>
        new(engine, provider.GetRequiredService<IOptionsMonitor<VisPrunerChatOptions>>().Get(name), provider.GetService<ILogger<VisPrunerChatClient>>());

    private static IConfiguration SectionOf(IConfiguration configuration)
    {
        // A root or parent section is accepted as well as the options section itself.
        IConfigurationSection nested = configuration.GetSection(VisPrunerChatOptions.DefaultSectionName);
        return nested.Exists() ? nested : configuration;
    }

    private static string ValidServiceId(string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        return serviceId;
    }

    private static string OptionsName(object serviceKey) =>
        serviceKey.ToString() ?? throw new ArgumentException("The service key has no text to name its options.", nameof(serviceKey));
}
