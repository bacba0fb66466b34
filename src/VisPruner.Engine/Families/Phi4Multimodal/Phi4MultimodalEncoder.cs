using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
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
    private readonly ReceivedAttentionTap _tap;
    private readonly VisionConfig _config;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly Phi4MultimodalImageProcessor _processor;
    private readonly ImageDecoderOptions _decoderOptions;
    private readonly EncodedImageCache<Phi4EncodedImage> _cache;
    private readonly int _hidden;

    public Phi4MultimodalEncoder(
        InferenceSession session, ReceivedAttentionTap tap, VisionConfig config, string attentionMaskName, Phi4MultimodalImageProcessor processor, int hidden,
        MultimodalEngineOptions options)
    {
        _session = session;
        _tap = tap;
        _config = config;
        _inputNames = [config.PixelValuesName, attentionMaskName, config.ImageSizesName];
        _outputNames = [config.ImageFeaturesName, .. tap.OutputNames];
        _processor = processor;
        _hidden = hidden;
        _decoderOptions = RequestImages.DecoderOptions(options.ImageLimits);
        _cache = new EncodedImageCache<Phi4EncodedImage>(options, e => e.SizeInBytes);
    }

    /// <summary>First phase, from the header alone: the cached features, or the image's token layout.</summary>
    /// <exception cref="ArgumentException">The image is too elongated for the HD transform (named by its number).</exception>
    public Phi4ImageJob Plan(RequestImage image, EncodeTiming timing)
    {
        (string key, Phi4EncodedImage? cached) = _cache.Find(image, timing);
        if (cached is not null)
        {
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
        float[]? cropImportance = null;
        using (OrtValue pixels = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.PixelValues, [.. inputs.PixelValuesShape]))
        using (OrtValue mask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.AttentionMask, [.. inputs.AttentionMaskShape]))
        using (OrtValue sizes = OrtValue.CreateTensorValueFromMemory(inputs.ImageSizes.ToArray(), [1, 2]))
        using (IDisposableReadOnlyCollection<OrtValue> outputs = OrtRuns.Run(_session, _inputNames, [pixels, mask, sizes], _outputNames, cancellationToken))
        {
            long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
            if (shape.Length != 2 || shape[0] != layout.NumImageTokens || shape[1] != _hidden)
            {
                throw new ModelFolderException(_config.FileName, null,
                    $"returned image_features [{string.Join(", ", shape)}] for a {layout.CropRows}x{layout.CropColumns}-crop image; " +
                    $"expected [{layout.NumImageTokens}, {_hidden}].");
            }

            features = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            if (_tap.IsAvailable)
            {
                cropImportance = PooledReceivedAttention(outputs[1], 1 + layout.CropCount);
            }
        }

        timing.Vision += Stopwatch.GetElapsedTime(encoderStart);
        var encoded = new Phi4EncodedImage(features, layout, cropImportance);
        _cache.Add(job.Key, encoded);
        return encoded;
    }

    public void Dispose() => _session.Dispose();

    /// <summary>Per crop (global view first), the received attention of each pooled token: the sum over its 2 x 2 patches.</summary>
    private static float[] PooledReceivedAttention(OrtValue tapOutput, int crops)
    {
        const int side = Phi4MultimodalImageLayout.MaskSide, patches = side * side;
        var perPatch = new float[crops * patches];
        ReceivedAttentionTap.Read(tapOutput, crops, patches, perPatch);
        var pooled = new float[crops * Phi4MultimodalTokenPruner.TokensPerCrop];
        for (int crop = 0; crop < crops; crop++)
        {
            Importance.PatchMerge.SumImportance<float>(
                perPatch.AsSpan(crop * patches, patches), side, 2, pooled.AsSpan(crop * Phi4MultimodalTokenPruner.TokensPerCrop, Phi4MultimodalTokenPruner.TokensPerCrop));
        }

        return pooled;
    }
}

/// <summary>An image between the two phases: its cache key, its bytes, its layout and, if cached, its features.</summary>
internal sealed record Phi4ImageJob(string Key, RequestImage Image, Phi4MultimodalImageLayout Layout, Phi4EncodedImage? Cached) : IPlannedImage
{
    public bool IsCached => Cached is not null;
}

/// <summary>
/// The vision encoder's output for one image: its feature rows [layout.NumImageTokens x hidden], token layout, and, when
/// the vision model's attention could be read, each crop's received attention per pooled token [crops x 256] (global view first).
/// </summary>
internal sealed record Phi4EncodedImage(float[] Features, Phi4MultimodalImageLayout Layout, float[]? CropImportance) : IEncodedImage
{
    public int RowCount => Layout.NumImageTokens;

    public long SizeInBytes => ((long)Features.Length + (CropImportance?.Length ?? 0)) * sizeof(float);
}
