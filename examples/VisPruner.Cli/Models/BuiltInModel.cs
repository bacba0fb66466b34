using VisPruner.DemoModels;

namespace VisPruner.Cli.Models;

/// <summary>
/// A built-in demo model (<c>--demo</c>): one per model family the engine runs, written into the demo model cache on
/// first use (<see cref="DemoModelCache.Root"/>, which <c>VISPRUNER_CACHE</c> sets).
/// </summary>
/// <param name="Family">The family's <c>model.type</c>, which is also the <c>--demo</c> value.</param>
/// <param name="Description">What the model is, for the console.</param>
/// <param name="RandomWeights">Whether its weights are seeded-random, so that its answers mean nothing.</param>
/// <param name="GetOrCreateFolder">Returns the model's folder in the cache, writing it first if needed.</param>
internal sealed record BuiltInModel(string Family, string Description, bool RandomWeights, Func<string> GetOrCreateFolder)
{
    /// <summary>Gets the model that runs when neither <c>--demo</c> nor <c>--model</c> is given: the trained phi3v model.</summary>
    public static BuiltInModel Default => All[0];

    /// <summary>Gets the built-in models, the default first.</summary>
    public static IReadOnlyList<BuiltInModel> All { get; } =
    [
        new("phi3v", "a small Phi-3.5-vision-shaped model trained on Fashion-MNIST scenes", RandomWeights: false, TrainedDemoModel.GetOrCreateFolder),
        new("phi4mm", "a small Phi-4-multimodal-shaped model", RandomWeights: true, DemoModelCache.GetOrCreatePhi4MultimodalDemo),
        new("gemma3", "a small Gemma 3-shaped model", RandomWeights: true, DemoModelCache.GetOrCreateGemma3Demo),
    ];

    /// <summary>Gets the <c>--demo</c> values.</summary>
    public static IEnumerable<string> Families => All.Select(m => m.Family);

    /// <summary>The built-in model of <paramref name="family"/>.</summary>
    /// <exception cref="ArgumentException">No built-in model has that family; the message lists those that do.</exception>
    public static BuiltInModel Named(string family) =>
        All.FirstOrDefault(m => string.Equals(m.Family, family, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"--demo: '{family}' is not a built-in demo model; choose one of: {string.Join(", ", Families)}.");
}
