// An agent on Semantic Kernel: the model looks at an image, calls a kernel function about what it sees (invoked by the
// kernel through FunctionChoiceBehavior.Auto(), no loop of our own), and answers from its result.
// Usage: VisPruner.AgentExample [--model <folder>] [--image <file>]
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using UsageDetails = Microsoft.Extensions.AI.UsageDetails;
using VisPruner.Examples;
using VisPruner.Extensions.AI;
using VisPruner.SemanticKernel;

ExampleArguments arguments = ExampleArguments.Parse(args);
byte[] image = await File.ReadAllBytesAsync(arguments.ImagePath);
string modelFolder = arguments.ModelFolder ?? await DemoFolderAsync();

Console.WriteLine($"Image: {arguments.ImagePath}");
ChatHistory history = await AskAsync(modelFolder);
foreach (KernelContent item in history.Skip(2).SelectMany(message => message.Items))
{
    Console.WriteLine(item switch
    {
        FunctionCallContent call => $"  -> {call.PluginName}.{call.FunctionName}({string.Join(", ", call.Arguments?.Select(a => $"{a.Key}: {a.Value}") ?? [])})",
        FunctionResultContent result => $"  <- {result.Result}",
        _ => item.ToString(),
    });
}

if (history[^1].Metadata is { } metadata && metadata["Usage"] is UsageDetails usage)
{
    Console.WriteLine(
        $"[{metadata["FinishReason"]}] {usage.InputTokenCount} prompt + {usage.OutputTokenCount} completion tokens over the model's requests; " +
        $"visual tokens {metadata[VisPrunerPropertyNames.VisualTokensBeforePruning]} -> {metadata[VisPrunerPropertyNames.VisualTokens]}");
}

async Task<ChatHistory> AskAsync(string folder)
{
    var services = new ServiceCollection();
    services.AddVisPrunerChatCompletion(folder);
    services.AddKernel().Plugins.AddFromFunctions("buildings", [KernelFunctionFactory.CreateFromMethod(BuildingLookup.LookupBuilding, "lookup_building")]);
    await using ServiceProvider provider = services.BuildServiceProvider();
    Kernel kernel = provider.GetRequiredService<Kernel>();

    ChatHistory history = new(ExampleArguments.Instructions);
    history.AddUserMessage([new ImageContent(image, arguments.ImageMediaType), new TextContent(ExampleArguments.Question)]);
    var settings = new VisPrunerPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(), MaxTokens = 256 };
    history.Add(await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(history, settings, kernel));
    return history;
}

async Task<string> DemoFolderAsync()
{
    Console.Error.WriteLine("No --model given: running a tiny demo model whose replies are scripted (pass --model <folder> for a real one).");
    return await DemoScript.FolderAsync("buildings_lookup_building", async folder =>
        (await AskAsync(folder))[^1].Metadata?["Usage"] is UsageDetails { InputTokenCount: long tokens } ? tokens : 0);
}
