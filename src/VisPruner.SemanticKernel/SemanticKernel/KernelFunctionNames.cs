using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace VisPruner.SemanticKernel;

/// <summary>
/// Semantic Kernel's bridge from an <c>IChatClient</c> names the calls and results of kernel functions by their tool name,
/// <c>plugin_function</c>, and leaves <see cref="FunctionCallContent.PluginName"/> empty, so
/// <see cref="FunctionCallContent.InvokeAsync"/> would not find the function. This splits such names against the kernel's
/// plugins, as SK's own connectors report them.
/// </summary>
internal static class KernelFunctionNames
{
    public static void Split(IEnumerable<ChatMessageContent> messages, Kernel? kernel)
    {
        if (kernel is null || kernel.Plugins.Count == 0)
        {
            return;
        }

        foreach (ChatMessageContent message in messages)
        {
            for (int i = 0; i < message.Items.Count; i++)
            {
                message.Items[i] = message.Items[i] switch
                {
                    FunctionCallContent { PluginName: null } call when Find(kernel, call.FunctionName) is (string plugin, string function) =>
                        Copied(call, new FunctionCallContent(function, plugin, call.Id, call.Arguments) { Exception = call.Exception }),
                    FunctionResultContent { PluginName: null, FunctionName: string name } result when Find(kernel, name) is (string plugin, string function) =>
                        Copied(result, new FunctionResultContent(function, plugin, result.CallId, result.Result)),
                    KernelContent item => item,
                };
            }
        }
    }

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
