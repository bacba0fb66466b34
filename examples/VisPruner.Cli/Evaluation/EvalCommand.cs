using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VisPruner.DemoModels;
using VisPruner.Engine;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Scenes;

namespace VisPruner.Cli.Evaluation;

/// <summary>
/// The <c>eval</c> command: exact-match accuracy of short answers at several visual-token budgets for each selector, with
/// mean time to first token, mean visual tokens and accuracy per question type; a Markdown report, a PNG chart and every
/// answer in the output folder.
/// </summary>
internal static class EvalCommand
{
    private static readonly VisualTokenSelectorKind[] DefaultSelectors =
        [VisualTokenSelectorKind.VisPruner, VisualTokenSelectorKind.ClsAttentionTopK, VisualTokenSelectorKind.DivPrune, VisualTokenSelectorKind.Uniform, VisualTokenSelectorKind.Random];

    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "A folder of images plus questions.jsonl ({\"image\", \"question\", \"answer\"} per line). Default: the held-out Fashion-MNIST scenes, generated on first use." };
        var model = new Option<string?>("--model", "-m") { Description = "A phi3v model folder. Default: the trained demo model." };
        var budgets = new Option<string>("--budgets") { Description = "Content tokens kept per image; 'all' for no pruning.", DefaultValueFactory = _ => "all,256,128,64,32,16" };
        var selectors = new Option<string>("--selectors") { Description = "Selectors to compare.", DefaultValueFactory = _ => string.Join(',', DefaultSelectors) };
        var ratio = new Option<double>("--ratio") { Description = "VisPruner's important ratio.", DefaultValueFactory = _ => 0.5 };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N questions." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "The most tokens per answer.", DefaultValueFactory = _ => 32 };
        var output = new Option<string>("--output", "-o") { Description = "Folder for results.md, accuracy.png and answers.jsonl.", DefaultValueFactory = _ => "eval-results" };
        var command = new Command("eval", "Measure answer accuracy against the visual-token budget for each token selector.")
        {
            data, model, budgets, selectors, ratio, limit, maxTokens, output,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new EvalArguments(parse.GetValue(data), parse.GetValue(model), parse.GetValue(budgets)!, parse.GetValue(selectors)!, parse.GetValue(ratio),
                parse.GetValue(limit), parse.GetValue(maxTokens), parse.GetValue(output)!),
            cancellationToken));
        return command;
    }

    private static Task<int> RunAsync(EvalArguments arguments, CancellationToken cancellationToken) =>
        CommandErrors.ReportAsync(() => EvaluateAsync(arguments, cancellationToken));

    private static async Task<int> EvaluateAsync(EvalArguments arguments, CancellationToken cancellationToken)
    {
        IReadOnlyList<EvalSetting> settings = EvalSetting.Grid(ParseSelectors(arguments.Selectors), ParseBudgets(arguments.Budgets));
        (QuestionSet set, string dataLabel) = await LoadDataAsync(arguments.Data, cancellationToken);
        if (arguments.Limit is int limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, "--limit");
            set = set with { Questions = [.. set.Questions.Take(limit)] };
        }

        string folder = arguments.Model ?? TrainedDemoModel.GetOrCreateFolder();
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder, cancellationToken: cancellationToken);
        int images = set.Questions.Select(q => q.Image).Distinct().Count();
        Console.Error.WriteLine($"{set.Questions.Count} questions about {images} images, {settings.Count} settings, model {folder}");

        IReadOnlyList<EvalRecord> records;
        using (var bar = new ProgressBar(Console.Error, "eval", set.Questions.Count * settings.Count))
        {
            records = await new EvalRunner(engine, arguments.Ratio, arguments.MaxTokens).RunAsync(set, settings, bar, cancellationToken);
            bar.Complete();
        }

        IReadOnlyList<SettingSummary> summaries = EvalSummary.Summarize(records);
        string report = EvalReport.Markdown(summaries, SelectorComparison.CompareVisPruner(records), set.Questions.Count, images, dataLabel);
        Directory.CreateDirectory(arguments.Output);
        await File.WriteAllTextAsync(Path.Combine(arguments.Output, "results.md"), report, cancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(arguments.Output, "accuracy.png"), AccuracyChart.Render(summaries), cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(arguments.Output, "answers.jsonl"), records.Select(r => JsonSerializer.Serialize(new
        {
            selector = r.Setting.SelectorLabel,
            budget = r.Setting.BudgetLabel,
            image = r.Question.Image,
            question = r.Question.Question,
            expected = r.Question.Answer,
            given = r.Given,
            correct = r.Correct,
        })), cancellationToken);
        Console.WriteLine(report);
        Console.Error.WriteLine($"results.md, accuracy.png and answers.jsonl written to {arguments.Output}");
        return 0;
    }

    /// <summary>The given data set, or the held-out scenes (generated into the cache once).</summary>
    private static async Task<(QuestionSet Set, string Label)> LoadDataAsync(string? data, CancellationToken cancellationToken) =>
        data is not null
            ? (QuestionSet.Load(data), data)
            : (QuestionSet.Load(await SceneSets.GetOrCreateHeldOutAsync(cancellationToken)), SceneSets.HeldOutDescription);

    private static IEnumerable<int?> ParseBudgets(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(b =>
        b.Equals("all", StringComparison.OrdinalIgnoreCase) ? (int?)null
        : int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n
        : throw new ArgumentException($"--budgets: '{b}' is neither 'all' nor a positive number."));

    private static IEnumerable<VisualTokenSelectorKind> ParseSelectors(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s =>
        Enum.TryParse(s, ignoreCase: true, out VisualTokenSelectorKind kind) && kind != VisualTokenSelectorKind.None ? kind
        : throw new ArgumentException($"--selectors: '{s}' is not one of {string.Join(", ", DefaultSelectors)}."));

    private sealed record EvalArguments(string? Data, string? Model, string Budgets, string Selectors, double Ratio, int? Limit, int MaxTokens, string Output);
}
