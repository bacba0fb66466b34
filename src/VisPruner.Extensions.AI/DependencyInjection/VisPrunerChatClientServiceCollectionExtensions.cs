using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VisPruner.Engine;
using VisPruner.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a local VisPruner model as an <see cref="IChatClient"/>: its <see cref="MultimodalEngine"/>, the
/// <see cref="VisPrunerChatClient"/> over it, and an <see cref="IChatClient"/> pipeline built from the returned
/// <see cref="ChatClientBuilder"/>, so an application chains <c>UseFunctionInvocation()</c>, <c>UseOpenTelemetry()</c>
/// or <c>UseLogging()</c> as with any Microsoft.Extensions.AI client.
/// </summary>
/// <remarks>
/// <para>
/// The engine and the client are singletons, loaded when first resolved and released with the container. The options
/// are validated when the host starts (<c>ValidateOnStart</c>), every problem in one message: a missing model folder
/// stops the application at startup. Without a host, resolve <see cref="IStartupValidator"/> and call <c>Validate()</c>
/// for the same check; otherwise the first resolution fails with the same message.
/// </para>
/// <para>
/// The client returns function calls without invoking them, as Microsoft.Extensions.AI clients do: chain
/// <c>UseFunctionInvocation()</c>, or let Microsoft Agent Framework invoke them. Keyed registrations keep their options
/// under the key's text as the options name, so several models can coexist, each with its own engine.
/// </para>
/// </remarks>
public static class VisPrunerChatClientServiceCollectionExtensions
{
    /// <summary>Registers the model's <see cref="IChatClient"/>, configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (at least <see cref="VisPrunerChatClientOptions.ModelFolder"/>).</param>
    /// <returns>The builder of the registered <see cref="IChatClient"/> pipeline.</returns>
    public static ChatClientBuilder AddVisPrunerChatClient(this IServiceCollection services, Action<VisPrunerChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddModel(services, serviceKey: null, Options.Options.DefaultName, configure);
        return services.AddChatClient(provider => provider.GetRequiredService<VisPrunerChatClient>());
    }

    /// <summary>Registers the model's <see cref="IChatClient"/>, configured from a configuration section (such as <c>VisPruner</c> in appsettings.json).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options, or a root whose <c>VisPruner</c> section holds them.</param>
    /// <param name="configure">Further settings applied after binding; null for none.</param>
    /// <returns>The builder of the registered <see cref="IChatClient"/> pipeline.</returns>
    public static ChatClientBuilder AddVisPrunerChatClient(this IServiceCollection services, IConfiguration configuration, Action<VisPrunerChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        BindOptions(services, Options.Options.DefaultName, configuration);
        return services.AddVisPrunerChatClient(configure);
    }

    /// <summary>Registers the model's <see cref="IChatClient"/> (and its own engine) under <paramref name="serviceKey"/>, configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key; its text names the options.</param>
    /// <param name="configure">Sets the options (at least <see cref="VisPrunerChatClientOptions.ModelFolder"/>).</param>
    /// <returns>The builder of the registered keyed <see cref="IChatClient"/> pipeline.</returns>
    public static ChatClientBuilder AddKeyedVisPrunerChatClient(this IServiceCollection services, object serviceKey, Action<VisPrunerChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        AddModel(services, serviceKey, OptionsName(serviceKey), configure);
        return services.AddKeyedChatClient(serviceKey, provider => provider.GetRequiredKeyedService<VisPrunerChatClient>(serviceKey));
    }

    /// <summary>Registers the model's <see cref="IChatClient"/> (and its own engine) under <paramref name="serviceKey"/>, configured from a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key; its text names the options.</param>
    /// <param name="configuration">The section holding the options, or a root whose <c>VisPruner</c> section holds them.</param>
    /// <param name="configure">Further settings applied after binding; null for none.</param>
    /// <returns>The builder of the registered keyed <see cref="IChatClient"/> pipeline.</returns>
    public static ChatClientBuilder AddKeyedVisPrunerChatClient(
        this IServiceCollection services, object serviceKey, IConfiguration configuration, Action<VisPrunerChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        BindOptions(services, OptionsName(serviceKey), configuration);
        return services.AddKeyedVisPrunerChatClient(serviceKey, configure);
    }

    // A null key registers the unkeyed services: keyed and unkeyed registrations share one code path. The engine and the
    // client are added once per key, however many registrations (IChatClient, Semantic Kernel) ask for them.
    private static void AddModel(IServiceCollection services, object? serviceKey, string optionsName, Action<VisPrunerChatClientOptions>? configure)
    {
        OptionsBuilder<VisPrunerChatClientOptions> options = services.AddOptions<VisPrunerChatClientOptions>(optionsName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        // Registering the same model again (both entry points, say) must not report its problems twice.
        if (!services.Any(d => d.ImplementationInstance is VisPrunerChatClientOptionsValidator v && v.OptionsName == optionsName))
        {
            services.AddSingleton<IValidateOptions<VisPrunerChatClientOptions>>(new VisPrunerChatClientOptionsValidator(optionsName));
        }
        services.TryAddKeyedSingleton(serviceKey, (provider, _) => LoadEngine(provider, optionsName));
        services.TryAddKeyedSingleton(serviceKey, (provider, key) => new VisPrunerChatClient(
            provider.GetRequiredKeyedService<MultimodalEngine>(key),
            provider.GetRequiredService<IOptionsMonitor<VisPrunerChatClientOptions>>().Get(optionsName),
            provider.GetService<ILogger<VisPrunerChatClient>>()));
    }

    private static void BindOptions(IServiceCollection services, string optionsName, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // A root or parent section is accepted as well as the options section itself.
        IConfigurationSection nested = configuration.GetSection(VisPrunerChatClientOptions.DefaultSectionName);
        services.AddOptions<VisPrunerChatClientOptions>(optionsName).Bind(nested.Exists() ? nested : configuration);
    }

    // Loading is synchronous because DI factories are; it runs once, when the client is first resolved.
    private static MultimodalEngine LoadEngine(IServiceProvider provider, string optionsName)
    {
        VisPrunerChatClientOptions options = provider.GetRequiredService<IOptionsMonitor<VisPrunerChatClientOptions>>().Get(optionsName);
        ILoggerFactory? loggerFactory = provider.GetService<ILoggerFactory>();
        return Task.Run(() => MultimodalEngine.LoadAsync(options.ModelFolder, options.Engine, loggerFactory)).GetAwaiter().GetResult();
    }

    private static string OptionsName(object serviceKey) =>
        serviceKey.ToString() is { Length: > 0 } name ? name : throw new ArgumentException("The service key has no text to name its options.", nameof(serviceKey));
}
