namespace VisPruner.Engine.Generation;

/// <summary>Why generation ended.</summary>
public enum FinishReason
{
    /// <summary>The model produced an end-of-sequence token or a stop sequence.</summary>
    Stop,

    /// <summary>The token limit (max new tokens or the context length) was reached.</summary>
    Length,

    /// <summary>The caller cancelled the request.</summary>
    Cancelled,
}
