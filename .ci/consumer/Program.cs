// Runs each package README's example (the quick starts .ci/consume-packages copies in) on a model folder and checks the
// answers; prints one PASS or FAIL line per check. Arguments: model folder, image, question, the word the answer needs.
using QuickStart;

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Consumer <model folder> <image> <question> <expected word>");
    return 2;
}

string modelFolder = args[0], imagePath = args[1], question = args[2], expected = args[3];
int failed = 0;

await CheckAsync("VisPruner README (TokenSelection): 64 distinct tokens in raster order, the most attended kept", () =>
{
    // Seeded features; every head attends most to patch 100.
    var random = new Random(7);
    float[] features = [.. Enumerable.Range(0, 576 * 1024).Select(_ => random.NextSingle() - 0.5f)];
    float[] clsRows = [.. Enumerable.Range(0, 16 * 577).Select(i => i % 577 == 101 ? 0.5f : 0.001f)];
    int[] kept = TokenSelection.Select(features, clsRows);
    bool passed = kept.Length == 64 && kept.Zip(kept.Skip(1)).All(p => p.First < p.Second) && kept[0] >= 0 && kept[^1] < 576 && kept.Contains(100);
    return Task.FromResult((passed, string.Join(' ', kept)));
});
await CheckAnswerAsync("VisPruner.Engine README (MultimodalEngine)", () => EngineImageQuestion.AskAsync(modelFolder, imagePath, question));
await CheckAnswerAsync("VisPruner.Extensions.AI README (AddVisPrunerChatClient -> IChatClient)", () => ImageQuestion.AskAsync(modelFolder, imagePath, question));
await CheckAnswerAsync("VisPruner.SemanticKernel README (AddVisPrunerChatCompletion -> IChatCompletionService)", async () => await KernelImageQuestion.AskAsync(modelFolder, imagePath, question) ?? string.Empty);
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
