using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using VisPruner.Selection;

namespace VisPruner.Scenes.SelectionDemo;

/// <summary>Runs a visual-token selector on a generated 24 x 24 scene and draws which tokens it kept.</summary>
internal static class SelectionDemoCommand
{
    public static Command Create()
    {
        var budget = new Option<int>("--budget") { Description = "Tokens to keep (1..576).", DefaultValueFactory = _ => 64 };
        var ratio = new Option<double>("--ratio") { Description = "VisPruner's important ratio r (0..1).", DefaultValueFactory = _ => 0.5 };
        var selector = new Option<string>("--selector") { Description = "The selector.", DefaultValueFactory = _ => "vispruner" };
        selector.AcceptOnlyFromAmong("vispruner", "cls-topk", "divprune", "uniform", "random");

        var command = new Command("selection-demo", "Run a token selector on a generated scene and draw what it keeps.") { budget, ratio, selector };
        command.SetAction(parse => Run(parse.GetValue(budget), parse.GetValue(ratio), parse.GetValue(selector)!));
        return command;
    }

    private static int Run(int budget, double ratio, string selectorName)
    {
        try
        {
            SyntheticScene scene = SyntheticScene.Generate(seed: 2412);
            IVisualTokenSelector selector = selectorName switch
            {
                "vispruner" => new VisPrunerSelector(ratio),
                "cls-topk" => new ClsAttentionTopKSelector(),
                "divprune" => new DivPruneSelector(),
                "uniform" => new UniformSpatialSelector(),
                _ => new RandomSelector(seed: 1),
            };

            var kept = new int[budget];
            var tokens = new VisualTokens<float>(scene.Features, SyntheticScene.Dimension, scene.Importance, SyntheticScene.Side);
            selector.SelectTokens(tokens, budget, kept); // The first call includes JIT compilation; time the second.
            var stopwatch = Stopwatch.StartNew();
            selector.SelectTokens(tokens, budget, kept);
            stopwatch.Stop();

            int important = selector is VisPrunerSelector v ? v.ImportantCount(budget) : 0;
            Console.WriteLine(SceneMap.Render(scene, kept, important));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{selector.Name}: kept {budget} of {tokens.Count} visual tokens ({100.0 * budget / tokens.Count:F1}%) in {stopwatch.Elapsed.TotalMilliseconds:F2} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"objects covered: {scene.ObjectsCovered(kept)} of {SyntheticScene.ObjectCount}; background tokens kept: {scene.BackgroundKept(kept)}"));
            return 0;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
    }
}
