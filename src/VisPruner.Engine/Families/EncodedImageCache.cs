using System.Security.Cryptography;
using VisPruner.Engine.Caching;
using VisPruner.Engine.Generation;

namespace VisPruner.Engine.Families;

/// <summary>
/// The vision feature cache of a family's encoder: encoded images keyed by a hash of their bytes, so asking about the same
/// image again skips decoding, preprocessing and the vision encoder; bounded by
/// <see cref="MultimodalEngineOptions.VisionFeatureCacheBytes"/> (no cache when 0). Thread-safe.
/// </summary>
internal sealed class EncodedImageCache<T>(MultimodalEngineOptions options, Func<T, long> sizeOf)
    where T : class
{
    private readonly BoundedLruCache<string, T>? _cache = options.VisionFeatureCacheBytes > 0 ? new(options.VisionFeatureCacheBytes, sizeOf) : null;

    /// <summary>The image's cache key, and its encoding when cached (counted in <paramref name="timing"/>).</summary>
    public (string Key, T? Cached) Find(RequestImage image, EncodeTiming timing)
    {
        string key = Convert.ToHexString(SHA256.HashData(image.Bytes.Span));
        if (_cache is not null && _cache.TryGet(key, out T? cached))
        {
            timing.CachedImages++;
            return (key, cached);
        }

        return (key, null);
    }

    public void Add(string key, T encoded) => _cache?.Add(key, encoded);
}
