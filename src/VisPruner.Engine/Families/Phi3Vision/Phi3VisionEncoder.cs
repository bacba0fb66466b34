using System.Diagnostics;
using VisPruner.Engine.Families;
using VisPruner.Engine.ModelFolders;
using VisPruner.Imaging;
using VisPruner.Imaging.Phi3Vision;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Runtime;

namespace VisPruner.Engine.Phi3Vision;

/// <summary>
/// Runs Phi-3.5-vision's image side for one image at a time: decode, HD transform, vision encoder. Results are kept in a
/// bounded cache keyed by the image bytes, so asking about the same image again skips all three.
/// </summary>
internal sealed class Phi3VisionEncoder : IDisposable
{
    private const int PatchesPerSide = 24;

    private readonly InferenceSession _session;
    private readonly Phi3VisionTap _tap;
    private readonly string[] _outputNames;
    private readonly VisionConfig _config;
    private readonly Phi3VisionImageProcessor _processor;
    private readonly ImageDecoderOptions _decoderOptions;
    private readonly EncodedImageCache<EncodedImage> _cache;
    private readonly int _hidden;

    public Phi3VisionEncoder(
        InferenceSession session, Phi3VisionTap tap, VisionConfig config, Phi3VisionImageProcessor processor, int hidden, MultimodalEngineOptions options)
    {
        _session = session;
        _tap = tap;
        _outputNames = [config.ImageFeaturesName, .. tap.OutputNames];
        _config = config;
        _processor = processor;
        _hidden = hidden;
        _decoderOptions = RequestImages.DecoderOptions(options.ImageLimits);
        _cache = new EncodedImageCache<EncodedImage>(options, e => e.SizeInBytes);
    }

    /// <summary>
    /// First phase, from the header alone: finds the image in the cache or works out its token layout, so the prompt length
    /// can be checked before anything is decoded.
    /// </summary>
    public ImageJob Plan(RequestImage image, EncodeTiming timing)
    {
        (string key, EncodedImage? cached) = _cache.Find(image, timing);
        if (cached is not null)
        {
            return new ImageJob(key, image, cached.Layout, cached);
        }

        return new ImageJob(key, image, _processor.GetLayout(image.Header.UprightWidth, image.Header.UprightHeight), null);
    }

    /// <summary>Second phase: preprocesses and runs the vision encoder, unless the features were cached.</summary>
    public EncodedImage Encode(ImageJob job, EncodeTiming timing, CancellationToken cancellationToken)
    {
        if (job.Cached is { } cached)
        {
            return cached;
        }

        long start = Stopwatch.GetTimestamp();
        RgbImage decoded = RequestImages.Numbered(job.Image.Number, () => ImageDecoder.Decode(job.Image.Bytes.Span, _decoderOptions, cancellationToken));
        Phi3VisionInputs inputs = _processor.Process([decoded], cancellationToken);
        Phi3VisionImageLayout layout = inputs.Layouts[0];
        long encoderStart = Stopwatch.GetTimestamp();
        timing.Preprocessing += Stopwatch.GetElapsedTime(start, encoderStart);

        float[] features;
        float[]? cropImportance = null;
        using (OrtValue pixels = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.PixelValues, [.. inputs.PixelValuesShape]))
        using (OrtValue sizes = OrtValue.CreateTensorValueFromMemory(inputs.ImageSizes.ToArray(), [1, 2]))
        using (IDisposableReadOnlyCollection<OrtValue> outputs = OrtRuns.Run(
            _session, [_config.PixelValuesName, _config.ImageSizesName], [pixels, sizes], _outputNames, cancellationToken))
        {
            OrtValue value = outputs[0];
            long[] shape = value.GetTensorTypeAndShape().Shape;
            if (shape.Length != 2 || shape[0] != layout.NumImageTokens || shape[1] != _hidden)
            {
                throw new ModelFolderException(_config.FileName, null,
                    $"returned image_features [{string.Join(", ", shape)}] for a {layout.CropRows}x{layout.CropColumns}-crop image; " +
                    $"expected [{layout.NumImageTokens}, {_hidden}].");
            }

            features = value.GetTensorDataAsSpan<float>().ToArray();
            if (_tap.Kind != Phi3VisionTap.TapKind.None)
            {
                cropImportance = MergedClsAttention([.. outputs.Skip(1)], layout.CropCount + 1);
            }
        }

        timing.Vision += Stopwatch.GetElapsedTime(encoderStart);
        var encoded = new EncodedImage(features, layout, cropImportance);
        _cache.Add(job.Key, encoded);
        return encoded;
    }

    public void Dispose() => _session.Dispose();

    /// <summary>Per crop, the [CLS] attention of each merged token: the sum over its 2 x 2 patches.</summary>
    private float[] MergedClsAttention(IReadOnlyList<OrtValue> tapOutputs, int crops)
    {
        const int patches = PatchesPerSide * PatchesPerSide;
        var perPatch = new float[crops * patches];
        _tap.ReadClsAttention(tapOutputs, crops, patches, perPatch);
        var merged = new float[crops * Phi3VisionTokenPruner.TokensPerCrop];
        for (int crop = 0; crop < crops; crop++)
        {
            Importance.PatchMerge.SumImportance<float>(
                perPatch.AsSpan(crop * patches, patches), PatchesPerSide, 2, merged.AsSpan(crop * Phi3VisionTokenPruner.TokensPerCrop, Phi3VisionTokenPruner.TokensPerCrop));
        }

        return merged;
    }
}

/// <summary>An image between the two phases: its cache key, its bytes, its layout and, if cached, its features.</summary>
internal sealed record ImageJob(string Key, RequestImage Image, Phi3VisionImageLayout Layout, EncodedImage? Cached) : IPlannedImage
{
    public bool IsCached => Cached is not null;
}
