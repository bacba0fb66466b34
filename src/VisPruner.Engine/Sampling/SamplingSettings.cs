namespace VisPruner.Engine.Sampling;

/// <summary>Resolved sampling settings of one request.</summary>
/// <param name="DoSample">Sample from the distribution; otherwise pick the most likely token.</param>
/// <param name="Temperature">Logit temperature (positive; 0 means greedy).</param>
/// <param name="TopK">Sample among the k most likely tokens; 0 means no limit.</param>
/// <param name="TopP">Sample within the smallest set of most likely tokens whose probability reaches p (0 &lt; p &lt;= 1).</param>
/// <param name="RepetitionPenalty">Divides positive and multiplies negative logits of tokens already seen (1: none).</param>
/// <param name="Seed">The random seed, or null for a non-reproducible draw.</param>
internal readonly record struct SamplingSettings(bool DoSample, double Temperature, int TopK, double TopP, double RepetitionPenalty, int? Seed)
{
    /// <summary>Gets a value indicating whether every step simply takes the most likely token.</summary>
    public bool IsGreedy => !DoSample || Temperature <= 0 || TopK == 1;
}
