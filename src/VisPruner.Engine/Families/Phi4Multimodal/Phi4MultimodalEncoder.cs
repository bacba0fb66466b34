using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.Caching;
using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging;
using VisPruner.Imaging.Phi4Multimodal;

namespace VisPruner.Engine.Phi4Multimodal;

/// <summary>
/// Runs Phi-4-multimodal's image side for one image at a time: decode (the engine's own decoder, so ONNX Runtime GenAI
/// never sees an image file), dynamic HD transform, vision encoder. Results are kept in a bounded cache keyed by the
/// image bytes, so asking about the same image again skips all three.
/// </summary>
internal sealed class Phi4MultimodalEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly VisionConfig _config;
    private readonly string[] _inputNames;
    private readonly Phi4MultimodalImageProcessor _processor;
    private readonly ImageDecoderOptions _decoderOptions;
    private readonly BoundedLruCache<string, Phi4EncodedImage>? _cache;
    private readonly int _hidden;

    public Phi4MultimodalEncoder(
        InferenceSession session, VisionConfig config, string attentionMaskName, Phi4MultimodalImageProcessor processor, int hidden, MultimodalEngineOptions options)
    {
        _session = session;
        _config = config;
        _inputNames = [config.PixelValuesName, attentionMaskName, config.ImageSizesName];
        _processor = processor;
        _hidden = hidden;
        _decoderOptions = RequestImages.DecoderOptions(options.ImageLimits);
        _cache = options.VisionFeatureCacheBytes > 0 ? new BoundedLruCache<string, Phi4EncodedImage>(options.VisionFeatureCacheBytes, e => e.SizeInBytes) : null;
    }

    /// <summary>First phase, from the header alone: the cached features, or the image's token layout.</summary>
    /// <exception cref="ArgumentException">The image is too elongated for the HD transform (named by its number).</exception>
    public Phi4ImageJob Plan(RequestImage image, EncodeTiming timing)
    {
        string key = Convert.ToHexString(SHA256.HashData(image.Bytes.Span));
        if (_cache is not null && _cache.TryGet(key, out Phi4EncodedImage? cached))
        {
            timing.CachedImages++;
            return new Phi4ImageJob(key, image, cached.Layout, cached);
        }

        try
        {
            return new Phi4ImageJob(key, image, _processor.GetLayout(image.Header.UprightWidth, image.Header.UprightHeight), null);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Image {image.Number} of the request: {ex.Message}", nameof(image), ex);
        }
    }

    /// <summary>Second phase: preprocesses and runs the vision encoder, unless the features were cached.</summary>
    public Phi4EncodedImage Encode(Phi4ImageJob job, EncodeTiming timing, CancellationToken cancellationToken)
    {
        if (job.Cached is { } cached)
        {
            return cached;
        }

        long start = Stopwatch.GetTimestamp();
        RgbImage decoded = RequestImages.Numbered(job.Image.Number, () => ImageDecoder.Decode(job.Image.Bytes.Span, _decoderOptions, cancellationToken));
        Phi4MultimodalInputs inputs = _processor.Process(decoded);
        Phi4MultimodalImageLayout layout = inputs.Layout;
        long encoderStart = Stopwatch.GetTimestamp();
        timing.Preprocessing += Stopwatch.GetElapsedTime(start, encoderStart);

        float[] features;
        using (OrtValue pixels = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.PixelValues, [.. inputs.PixelValuesShape]))
        using (OrtValue mask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.AttentionMask, [.. inputs.AttentionMaskShape]))
        using (OrtValue sizes = OrtValue.CreateTensorValueFromMemory(inputs.ImageSizes.ToArray(), [1, 2]))
        using (IDisposableReadOnlyCollection<OrtValue> outputs = OrtRuns.Run(_session, _inputNames, [pixels, mask, sizes], [_config.ImageFeaturesName], cancellationToken))
        {
            long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
            if (shape.Length != 2 || shape[0] != layout.NumImageTokens || shape[1] != _hidden)
            {
                throw new ModelFolderException(_config.FileName, null,
                    $"returned image_features [{string.Join(", ", shape)}] for a {layout.CropRows}x{layout.CropColumns}-crop image; " +
                    $"expected [{layout.NumImageTokens}, {_hidden}].");
            }

            features = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        timing.Vision += Stopwatch.GetElapsedTime(encoderStart);
        var encoded = new Phi4EncodedImage(features, layout);
        _cache?.Add(job.Key, encoded);
        return encoded;
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>An image between the two phases: its cache key, its bytes, its layout and, if cached, its features.</summary>
internal sealed record Phi4ImageJob(string Key, RequestImage Image, Phi4MultimodalImageLayout Layout, Phi4EncodedImage? Cached) : IPlannedImage
{
    public bool IsCached => Cached is not null;
}

/// <summary>The vision encoder's output for one image: its feature rows [layout.NumImageTokens x hidden] and token layout.</summary>
internal sealed record Phi4EncodedImage(float[] Features, Phi4MultimodalImageLayout Layout) : IEncodedImage
{
    public int RowCount => Layout.NumImageTokens;

    public long SizeInBytes => (long)Features.Length * sizeof(float);
}
