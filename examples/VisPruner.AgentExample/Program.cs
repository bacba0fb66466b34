// An agent with multimodal function calling: the model looks at an image, calls a lookup tool about what it sees,
// and answers from the tool's result. Usage: VisPruner.AgentExample [--model <folder>] [--image <file>]
using System.ComponentModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VisPruner.AgentExample;

string? modelFolder = Argument("--model");
string imagePath = Argument("--image") ?? FindSampleImage();

var options = new ChatOptions
{
    Instructions = "You are a helpful assistant for an estate agent. Use the tools to look up facts about what you see.",
    Tools = [AIFunctionFactory.Create(LookupBuilding, "lookup_building")],
    MaxOutputTokens = 256,
};
List<ChatMessage> conversation =
[
    new(ChatRole.User,
    [
        new DataContent(await File.ReadAllBytesAsync(imagePath), MediaType(imagePath)),
        new TextContent("What kind of building is this, and what should a buyer know about it?"),
    ]),
];

bool demo = modelFolder is null;
if (demo)
{
    Console.Error.WriteLine("No --model given: running tiny demo models (random weights: output is gibberish; pass --model <folder>).");
}

var services = new ServiceCollection()
    .AddVisPrunerChat(chat => chat.ModelFolder = modelFolder ?? DemoModels.RandomFolder());
if (demo)
{
    string firstTurn = await DemoModels.FirstTurnFolderAsync(conversation, options);
    services.AddKeyedVisPrunerChat("first-turn", chat => chat.ModelFolder = firstTurn);
}

await using ServiceProvider provider = services.BuildServiceProvider();
IChatClient chatClient = provider.GetRequiredService<IChatClient>();
IChatClient firstTurnClient = demo ? provider.GetRequiredKeyedService<IChatClient>("first-turn") : chatClient;

Console.WriteLine($"Image: {imagePath}");
ChatResponse answer = await ToolLoop.RunAsync(round => round == 0 ? firstTurnClient : chatClient, conversation, options, maxRounds: 4, CancellationToken.None);
if (answer.Usage is { } usage)
{
    Console.WriteLine(
        $"[{answer.FinishReason}] {usage.InputTokenCount} prompt + {usage.OutputTokenCount} completion tokens; visual tokens " +
        $"{usage.AdditionalCounts?["vispruner.visual_tokens_before_pruning"]} -> {usage.AdditionalCounts?["vispruner.visual_tokens"]}");
}

[Description("Looks up what a buyer should know about a kind of building.")]
static string LookupBuilding([Description("The kind of building, e.g. house, barn, tower")] string kind, [Description("Its main colour")] string? colour = null) =>
    kind.ToUpperInvariant() switch
    {
        "HOUSE" => $"A detached {colour ?? ""} house: check the roof, the damp course and the heating; typical survey cost 500 EUR.",
        "BARN" => "A barn: conversion needs planning permission; check the structure and access.",
        _ => $"No records for '{kind}'.",
    };

string? Argument(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static string MediaType(string path) => Path.GetExtension(path).ToUpperInvariant() switch
{
    ".PNG" => "image/png",
    ".JPG" or ".JPEG" => "image/jpeg",
    ".BMP" => "image/bmp",
    _ => throw new ArgumentException($"Unsupported image type: {path} (use PNG, JPEG or BMP)."),
};

static string FindSampleImage()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
    {
        string candidate = Path.Combine(folder.FullName, "examples", "images", "house.png");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new FileNotFoundException("No sample image found; pass --image <file>.");
}
