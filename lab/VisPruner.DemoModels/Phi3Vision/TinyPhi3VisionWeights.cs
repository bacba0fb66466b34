using VisPruner.Onnx;

namespace VisPruner.DemoModels;

/// <summary>
/// Where the named weights of a model written by <see cref="TinyPhi3VisionModel"/> come from: seeded random values
/// (<see cref="SeededRandom"/>, the default: byte-identical folders for tests and benchmarks) or a trained weights file
/// (<see cref="SafetensorsWeights"/>). Both feed the same graph builders, so a trained folder and a random one differ in
/// their numbers only.
/// </summary>
public abstract class TinyPhi3VisionWeights
{
    private protected TinyPhi3VisionWeights()
    {
    }

    /// <summary>Gets random weights drawn from <see cref="TinyPhi3VisionOptions.Seed"/>.</summary>
    public static TinyPhi3VisionWeights SeededRandom { get; } = new RandomWeights();

    /// <summary>Starts reading the weights of one model write (a trained source checks afterwards that it used every tensor).</summary>
    internal abstract WeightReader OpenReader();

    /// <summary>Seeded random weights: each graph's builder draws them from its own seeded generator, in build order.</summary>
    private sealed class RandomWeights : TinyPhi3VisionWeights
    {
        internal override WeightReader OpenReader() => new RandomReader();

        private sealed class RandomReader : WeightReader
        {
            public override bool IsRandom => true;

            public override GraphValue Tensor(GraphBuilder b, string name, long[] dims, float std, float mean = 0f) =>
                b.RandomNormal(name, dims, std, mean);

            public override void EnsureAllUsed()
            {
            }
        }
    }
}

/// <summary>The weights of one model write, asked for by name and shape by the graph builders.</summary>
internal abstract class WeightReader
{
    /// <summary>Gets a value indicating whether the weights are drawn at random (so random-only shortcuts apply).</summary>
    public abstract bool IsRandom { get; }

    /// <summary>
    /// Adds the float initializer <paramref name="name"/> of shape <paramref name="dims"/>: drawn from N(<paramref name="mean"/>,
    /// <paramref name="std"/>) by a random source, read (and shape-checked) by a trained one.
    /// </summary>
    public abstract GraphValue Tensor(GraphBuilder b, string name, long[] dims, float std, float mean = 0f);

    /// <summary>Reads a trained tensor's values without adding it to a graph (e.g. to quantize it first).</summary>
    /// <exception cref="NotSupportedException">The source is random.</exception>
    public virtual float[] Values(string name, long[] dims) => throw new NotSupportedException("Random weights have no stored values.");

    /// <summary>Fails when a trained source holds tensors no graph asked for (a misnamed or stale weights file).</summary>
    public abstract void EnsureAllUsed();
}
