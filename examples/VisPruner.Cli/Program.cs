using System.Diagnostics;
using System.Globalization;
using VisPruner;
using VisPruner.Cli;
using VisPruner.Selection;

// Runs a visual-token selector on a generated 24 x 24 scene and draws which tokens it kept.
// Usage: dotnet run --project examples/VisPruner.Cli -- [--budget 64] [--ratio 0.5] [--selector vispruner|cls-topk|divprune|uniform|random]
try
{
    var options = DemoOptions.Parse(args);
    SyntheticScene scene = SyntheticScene.Generate(seed: 2412);
    IVisualTokenSelector selector = options.Selector switch
    {
        "vispruner" => new VisPrunerSelector(options.Ratio),
        "cls-topk" => new ClsAttentionTopKSelector(),
        "divprune" => new DivPruneSelector(),
        "uniform" => new UniformSpatialSelector(),
        "random" => new RandomSelector(seed: 1),
        _ => throw new ArgumentException($"Unknown selector '{options.Selector}'. Use vispruner, cls-topk, divprune, uniform or random.", nameof(args)),
    };

    var kept = new int[options.Budget];
    var tokens = new VisualTokens<float>(scene.Features, SyntheticScene.Dimension, scene.Importance, SyntheticScene.Side);
    selector.SelectTokens(tokens, options.Budget, kept); // The first call includes JIT compilation; time the second.
    var stopwatch = Stopwatch.StartNew();
    selector.SelectTokens(tokens, options.Budget, kept);
    stopwatch.Stop();

    int important = selector is VisPrunerSelector v ? v.ImportantCount(options.Budget) : 0;
    Console.WriteLine(SceneMap.Render(scene, kept, important));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{selector.Name}: kept {options.Budget} of {tokens.Count} visual tokens ({100.0 * options.Budget / tokens.Count:F1}%) in {stopwatch.Elapsed.TotalMilliseconds:F2} ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"objects covered: {scene.ObjectsCovered(kept)} of {SyntheticScene.ObjectCount}; background tokens kept: {scene.BackgroundKept(kept)}"));
    return 0;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
