using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VisPruner.SemanticKernel;
using VisPruner.Extensions.AI;

namespace Microsoft.SemanticKernel;

/// <summary>
/// Adds a local VisPruner model to a kernel: <see cref="ChatCompletion.IChatCompletionService"/> (a
/// <see cref="VisPrunerChatCompletionService"/>), and also <c>IChatClient</c>, over one engine. See
/// <see cref="VisPrunerServiceCollectionExtensions"/> for lifetimes and validation.
/// </summary>
public static class VisPrunerKernelBuilderExtensions
{
    /// <summary>Adds the chat completion service on the model in <paramref name="modelFolder"/>.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="modelFolder">The model folder (<c>genai_config.json</c>, ONNX files, tokenizer).</param>
    /// <param name="serviceId">The service id; null adds the default service.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IKernelBuilder AddVisPrunerChatCompletion(this IKernelBuilder builder, string modelFolder, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddVisPrunerChatCompletion(modelFolder, serviceId);
        return builder;
    }

    /// <summary>Adds the chat completion service, configured in code.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configure">Sets the options (at least <see cref="VisPrunerChatClientOptions.ModelFolder"/>).</param>
    /// <param name="serviceId">The service id; null adds the default service.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IKernelBuilder AddVisPrunerChatCompletion(this IKernelBuilder builder, Action<VisPrunerChatClientOptions> configure, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddVisPrunerChatCompletion(configure, serviceId);
        return builder;
    }

    /// <summary>Adds the chat completion service, configured from a configuration section.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configuration">The section holding the options, or a root whose <c>VisPruner</c> section holds them.</param>
    /// <param name="serviceId">The service id; null adds the default service.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IKernelBuilder AddVisPrunerChatCompletion(this IKernelBuilder builder, IConfiguration configuration, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddVisPrunerChatCompletion(configuration, serviceId);
        return builder;
    }
}
