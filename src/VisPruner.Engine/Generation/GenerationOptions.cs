using VisPruner.Engine.Pruning;

namespace VisPruner.Engine.Generation;

/// <summary>
/// Per-request generation settings. Every null setting falls back to the model folder's defaults
/// (the <c>search</c> section of <c>genai_config.json</c>).
/// </summary>
public sealed record GenerationOptions
{
    /// <summary>Gets the most tokens to generate; null generates until a stop condition or the context length.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary>Gets the fewest tokens to generate before an end-of-sequence token may end the answer (default 0).</summary>
    public int MinNewTokens { get; init; }

    /// <summary>Gets a value indicating whether to sample (true) or always take the most likely token (false).</summary>
    public bool? DoSample { get; init; }

    /// <summary>Gets the logit temperature; 0 means greedy.</summary>
    public double? Temperature { get; init; }

    /// <summary>Gets the number of most likely tokens to sample from; 0 means all.</summary>
    public int? TopK { get; init; }

    /// <summary>Gets the nucleus probability: sample within the smallest set of likely tokens reaching it.</summary>
    public double? TopP { get; init; }

    /// <summary>Gets the repetition penalty (1 means none).</summary>
    public double? RepetitionPenalty { get; init; }

    /// <summary>Gets the random seed; the same seed, prompt and settings give the same output.</summary>
    public int? Seed { get; init; }

    /// <summary>Gets this request's visual-token pruning; null uses the engine's <see cref="MultimodalEngineOptions.Pruning"/>.</summary>
    public VisualTokenPruningOptions? Pruning { get; init; }

    /// <summary>Gets a constraint the output must follow (a JSON schema, regular expression or grammar); null for none.</summary>
    public OutputConstraint? Constraint { get; init; }

    /// <summary>Gets texts that end generation when produced; they are not part of the output.</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];
}
