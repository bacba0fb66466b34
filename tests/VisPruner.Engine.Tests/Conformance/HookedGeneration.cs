using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Runtime;

namespace VisPruner.Engine.Tests.Conformance;

/// <summary>
/// Greedy runs for the conformance tests: the engine's hook (its <see cref="GenAiModel"/> with the vision stub, fed image
/// rows and counts) and GenAI's own generator, compared by their first-step logits and greedy tokens.
/// </summary>
internal static class HookedGeneration
{
    public const int GreedyTokens = 12;

    public static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    /// <summary>Runs <paramref name="ids"/> through the engine's hook with the given image rows, greedily.</summary>
    public static (float[] Logits, int[] Tokens) Run(GenAiModel model, int[] ids, float[] features, long[] counts)
    {
        using var parameters = new GeneratorParams(model.Model);
        parameters.SetSearchOption("max_length", ids.Length + GreedyTokens);
        using var generator = new Generator(model.Model, parameters);
        using PinnedInputs? pins = model.Stub.Feed(generator, features, counts);
        generator.AppendTokens(ids);
        return Greedy(generator, firstStepRunsTheModel: false);
    }

    // After AppendTokens the prompt's logits are there; after SetInputs they come with the first GenerateNextToken.
    public static (float[] Logits, int[] Tokens) Greedy(Generator generator, bool firstStepRunsTheModel)
    {
        float[]? logits = firstStepRunsTheModel ? null : LastRow(generator);
        var tokens = new int[GreedyTokens];
        for (int i = 0; i < tokens.Length; i++)
        {
            generator.GenerateNextToken();
            logits ??= LastRow(generator);
            tokens[i] = generator.GetNextTokens()[0];
        }

        return (logits!, tokens);
    }

    private static float[] LastRow(Generator generator)
    {
        using Tensor logits = generator.GetOutput("logits");
        int vocabulary = (int)logits.Shape()[^1];
        ReadOnlySpan<float> data = logits.GetData<float>();
        return data[^vocabulary..].ToArray();
    }
}
