// An agent on Microsoft Agent Framework: a ChatClientAgent over the VisPruner IChatClient looks at an image, calls a
// tool about what it sees (invoked by the agent), and streams its answer.
// Usage: VisPruner.AgentFrameworkExample [--model <folder>] [--image <file>]
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VisPruner.Examples;
using VisPruner.Extensions.AI;

ExampleArguments arguments = ExampleArguments.Parse(args);
byte[] image = await File.ReadAllBytesAsync(arguments.ImagePath);
string modelFolder = arguments.ModelFolder ?? await DemoFolderAsync();

Console.WriteLine($"Image: {arguments.ImagePath}");
var services = new ServiceCollection();
services.AddVisPrunerChatClient(options => options.ModelFolder = modelFolder);
await using ServiceProvider provider = services.BuildServiceProvider();
await foreach (AgentResponseUpdate update in NewAgent(provider.GetRequiredService<IChatClient>()).RunStreamingAsync(Question()))
{
    Console.Write(update.Text);
    foreach (AIContent content in update.Contents)
    {
        Console.Write(content switch
        {
            FunctionCallContent call => $"\n  -> {call.Name}({string.Join(", ", call.Arguments?.Select(a => $"{a.Key}: {a.Value}") ?? [])})\n",
            FunctionResultContent result => $"  <- {result.Result}\n",
            UsageContent usage => $"\n[{usage.Details.InputTokenCount} prompt + {usage.Details.OutputTokenCount} completion tokens; visual tokens " +
                $"{usage.Details.AdditionalCounts?[VisPrunerPropertyNames.VisualTokensBeforePruning]} -> {usage.Details.AdditionalCounts?[VisPrunerPropertyNames.VisualTokens]}]\n",
            _ => string.Empty,
        });
    }
}

ChatMessage Question() => new(ChatRole.User, [new DataContent(image, arguments.ImageMediaType), new TextContent(ExampleArguments.Question)]);

static ChatClientAgent NewAgent(IChatClient client) => new(client,
    instructions: ExampleArguments.Instructions,
    name: "EstateAgent",
    tools: [AIFunctionFactory.Create(BuildingLookup.LookupBuilding, "lookup_building")]);

async Task<string> DemoFolderAsync()
{
    Console.Error.WriteLine("No --model given: running a tiny demo model whose replies are scripted (pass --model <folder> for a real one).");
    return await DemoScript.FolderAsync("lookup_building", async folder =>
    {
        var demoServices = new ServiceCollection();
        demoServices.AddVisPrunerChatClient(options => options.ModelFolder = folder);
        await using ServiceProvider demo = demoServices.BuildServiceProvider();
        AgentResponse response = await NewAgent(demo.GetRequiredService<IChatClient>()).RunAsync(Question());
        return response.Usage?.InputTokenCount ?? 0;
    });
}
