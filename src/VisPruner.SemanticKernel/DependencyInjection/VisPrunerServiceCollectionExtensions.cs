using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VisPruner.Engine;
using VisPruner.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="VisPrunerChatClient"/> as the application's <see cref="IChatClient"/>.</summary>
/// <remarks>
/// <para>
/// The engine is a singleton, loaded when the client is first resolved and released with the container. The options are
/// validated when the host starts (<c>ValidateOnStart</c>): a missing model folder stops the application at startup.
/// Without a host, resolve <see cref="IStartupValidator"/> and call <c>Validate()</c> to get the same check.
/// </para>
/// <para>Keyed registrations keep their options under the key's text as the options name, so several models can coexist.</para>
/// </remarks>
public static class VisPrunerServiceCollectionExtensions
{
    /// <summary>Registers the client, configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (at least <see cref="VisPrunerChatOptions.ModelFolder"/>).</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddVisPrunerChat(this IServiceCollection services, Action<VisPrunerChatOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddOptions(services, Options.Options.DefaultName, configure);
        services.TryAddSingleton(provider => LoadEngine(provider, Options.Options.DefaultName));
        services.TryAddSingleton(provider => CreateClient(provider, provider.GetRequiredService<MultimodalEngine>(), Options.Options.DefaultName));
        services.TryAddSingleton<IChatClient>(provider => provider.GetRequiredService<VisPrunerChatClient>());
        return services;
    }

    /// <summary>Registers the client, configured from a configuration section (such as <c>VisPruner</c> in appsettings.json).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options, or a root whose <c>VisPruner</c> section holds them.</param>
    /// <param name="configure">Further settings applied after binding; null for none.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddVisPrunerChat(this IServiceCollection services, IConfiguration configuration, Action<VisPrunerChatOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<VisPrunerChatOptions>().Bind(SectionOf(configuration));
        return services.AddVisPrunerChat(configure);
    }

    /// <summary>Registers a keyed client (and keyed engine) under <paramref name="serviceKey"/>, configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key; its text names the options.</param>
    /// <param name="configure">Sets the options (at least <see cref="VisPrunerChatOptions.ModelFolder"/>).</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddKeyedVisPrunerChat(this IServiceCollection services, object serviceKey, Action<VisPrunerChatOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        string name = OptionsName(serviceKey);
        AddOptions(services, name, configure);
        services.TryAddKeyedSingleton(serviceKey, (provider, _) => LoadEngine(provider, name));
        services.TryAddKeyedSingleton(serviceKey, (provider, key) => CreateClient(provider, provider.GetRequiredKeyedService<MultimodalEngine>(key), name));
        services.TryAddKeyedSingleton<IChatClient>(serviceKey, (provider, key) => provider.GetRequiredKeyedService<VisPrunerChatClient>(key));
        return services;
    }

    /// <summary>Registers a keyed client (and keyed engine) under <paramref name="serviceKey"/>, configured from a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key; its text names the options.</param>
    /// <param name="configuration">The section holding the options, or a root whose <c>VisPruner</c> section holds them.</param>
    /// <param name="configure">Further settings applied after binding; null for none.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddKeyedVisPrunerChat(
        this IServiceCollection services, object serviceKey, IConfiguration configuration, Action<VisPrunerChatOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<VisPrunerChatOptions>(OptionsName(serviceKey)).Bind(SectionOf(configuration));
        return services.AddKeyedVisPrunerChat(serviceKey, configure);
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

    private static string OptionsName(object serviceKey) =>
        serviceKey.ToString() ?? throw new ArgumentException("The service key has no text to name its options.", nameof(serviceKey));
}
