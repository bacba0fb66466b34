namespace VisPruner.Engine.Generation;

/// <summary>Time and cache counts accumulated while encoding a request's images.</summary>
internal sealed class EncodeTiming
{
    public TimeSpan Preprocessing { get; set; }

    public TimeSpan Vision { get; set; }

    public int CachedImages { get; set; }
}
