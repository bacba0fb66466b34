namespace VisPruner.Engine.Generation;

/// <summary>A whole response.</summary>
/// <param name="Text">The generated text.</param>
/// <param name="FinishReason">Why generation ended.</param>
/// <param name="Statistics">Counts and timings.</param>
public sealed record GenerationResult(string Text, FinishReason FinishReason, GenerationStatistics Statistics);
