using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using VisPruner.Extensions.AI;

namespace VisPruner.SemanticKernel;

/// <summary>
/// Semantic Kernel's bridge from an <c>IChatClient</c> names the calls and results of kernel functions by their tool name,
/// <c>plugin_function</c>, and leaves <see cref="FunctionCallContent.PluginName"/> empty, so
/// <see cref="FunctionCallContent.InvokeAsync"/> would not find the function. This splits such names against the kernel's
/// plugins, as SK's own connectors report them. When streaming, the bridge adds results with no function name at all (it
/// converts each result without its call), so a result takes the name of the call with its call id.
/// </summary>
internal static class KernelFunctionNames
{
    public static void Split(IEnumerable<ChatMessageContent> messages, Kernel? kernel)
    {
        if (kernel is null || kernel.Plugins.Count == 0)
        {
            return;
        }

        var calls = new Dictionary<string, (string Plugin, string Function)>(StringComparer.Ordinal);
        foreach (ChatMessageContent message in messages)
        {
            for (int i = 0; i < message.Items.Count; i++)
            {
                switch (message.Items[i])
                {
                    case FunctionCallContent { PluginName: null } call when Find(kernel, call.FunctionName) is { } name:
                        if (call.Id is not null)
                        {
                            calls[call.Id] = name;
                        }

                        message.Items[i] = Copied(call, new FunctionCallContent(name.Function, name.Plugin, call.Id, call.Arguments) { Exception = call.Exception });
                        break;
                    case FunctionResultContent { PluginName: null } result when NameOf(result, kernel, calls) is { } name:
                        message.Items[i] = Copied(result, new FunctionResultContent(name.Function, name.Plugin, result.CallId, result.Result));
                        break;
                }
            }
        }
    }

    private static (string Plugin, string Function)? NameOf(FunctionResultContent result, Kernel kernel, Dictionary<string, (string Plugin, string Function)> calls) =>
        result.FunctionName is string toolName ? Find(kernel, toolName)
        : result.CallId is not null && calls.TryGetValue(result.CallId, out (string Plugin, string Function) name) ? name
        : null;

    private static (string Plugin, string Function)? Find(Kernel kernel, string toolName)
    {
        foreach (KernelPlugin plugin in kernel.Plugins)
        {
            if (toolName.Length > plugin.Name.Length + 1 && toolName.StartsWith(plugin.Name + "_", StringComparison.Ordinal)
                && plugin.TryGetFunction(toolName[(plugin.Name.Length + 1)..], out KernelFunction? function))
            {
                return (plugin.Name, function.Name);
            }
        }

        return null;
    }

    private static KernelContent Copied(KernelContent from, KernelContent to)
    {
        to.InnerContent = from.InnerContent;
        to.ModelId = from.ModelId;
        to.Metadata = from.Metadata;
        return to;
    }
}
