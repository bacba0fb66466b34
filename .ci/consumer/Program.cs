// Runs each package README's example on a model folder and checks the answers; prints one PASS or FAIL line per check.
// Arguments: model folder, image, question, the word the answer must contain.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Consumer <model folder> <image> <question> <expected word>");
    return 2;
}

string modelFolder = args[0], imagePath = args[1], question = args[2], expected = args[3];
int failed = 0;

await CheckAsync("VisPruner README: 64 distinct tokens kept, in raster order", () =>
{
    int[] kept = SelectionReadme.Select(seed: 7);
    return Task.FromResult((kept.Length == 64 && kept.Zip(kept.Skip(1)).All(p => p.First < p.Second) && kept[0] >= 0 && kept[^1] < 576, string.Join(' ', kept)));
});
await CheckAnswerAsync("VisPruner.Engine README (MultimodalEngine)", () => EngineReadme.AskAsync(modelFolder, imagePath, question));
await CheckAnswerAsync("VisPruner.Extensions.AI README (AddVisPrunerChatClient -> IChatClient)", () => ExtensionsAIReadme.AskAsync(modelFolder, imagePath, question));
await CheckAnswerAsync("VisPruner.SemanticKernel README (AddVisPrunerChatCompletion -> IChatCompletionService)", () => SemanticKernelReadme.AskAsync(modelFolder, imagePath, question));
return failed == 0 ? 0 : 1;

Task CheckAnswerAsync(string name, Func<Task<string>> ask) => CheckAsync(name, async () =>
{
    string answer = await ask();
    return (answer.Contains(expected, StringComparison.OrdinalIgnoreCase), answer);
});

async Task CheckAsync(string name, Func<Task<(bool Passed, string Detail)>> check)
{
    (bool passed, string detail) = (false, string.Empty);
    try
    {
        (passed, detail) = await check();
    }
    catch (Exception ex)
    {
        detail = ex.ToString();
    }

    Console.WriteLine($"{(passed ? "PASS" : "FAIL")} {name}: {detail.ReplaceLineEndings(" ")}");
    failed += passed ? 0 : 1;
}
