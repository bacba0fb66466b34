using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging;
using VisPruner.Imaging.Gemma3;

namespace VisPruner.Engine.Gemma3;

/// <summary>
/// Runs Gemma 3's image side for one image at a time: decode (the engine's own decoder), the 896 x 896 processor, the
/// vision encoder with its attention tap. Results are kept in a bounded cache keyed by the image bytes.
/// </summary>
internal sealed class Gemma3Encoder : IDisposable
{
    private const int Patches = Gemma3ImageProcessor.PatchesPerSide * Gemma3ImageProcessor.PatchesPerSide;
    private const int Pool = Gemma3ImageProcessor.PatchesPerSide / Gemma3ImageProcessor.TokensPerSide;

    private readonly InferenceSession _session;
    private readonly ReceivedAttentionTap _tap;
    private readonly VisionConfig _config;
    private readonly string[] _outputNames;
    private readonly Gemma3ImageProcessor _processor;
    private readonly ImageDecoderOptions _decoderOptions;
    private readonly EncodedImageCache<Gemma3EncodedImage> _cache;
    private readonly int _hidden;

    public Gemma3Encoder(InferenceSession session, ReceivedAttentionTap tap, VisionConfig config, Gemma3ImageProcessor processor, int hidden, MultimodalEngineOptions options)
    {
        _session = session;
        _tap = tap;
        _config = config;
        _outputNames = [config.ImageFeaturesName, .. tap.OutputNames];
        _processor = processor;
        _hidden = hidden;
        _decoderOptions = RequestImages.DecoderOptions(options.ImageLimits);
        _cache = new EncodedImageCache<Gemma3EncodedImage>(options, e => e.SizeInBytes);
    }

    /// <summary>First phase: the cached features, if any (every image has 256 tokens, so there is no layout to work out).</summary>
    public Gemma3ImageJob Plan(RequestImage image, EncodeTiming timing)
    {
        (string key, Gemma3EncodedImage? cached) = _cache.Find(image, timing);
        return new Gemma3ImageJob(key, image, cached);
    }

    /// <summary>Second phase: preprocesses and runs the vision encoder, unless the features were cached.</summary>
    /// <exception cref="ModelFolderException">The vision model returns other than 256 rows of the decoder's width.</exception>
    public Gemma3EncodedImage Encode(Gemma3ImageJob job, EncodeTiming timing, CancellationToken cancellationToken)
    {
        if (job.Cached is { } cached)
        {
            return cached;
        }

        long start = Stopwatch.GetTimestamp();
        RgbImage decoded = RequestImages.Numbered(job.Image.Number, () => ImageDecoder.Decode(job.Image.Bytes.Span, _decoderOptions, cancellationToken));
        Gemma3Inputs inputs = _processor.Process(decoded);
        long encoderStart = Stopwatch.GetTimestamp();
        timing.Preprocessing += Stopwatch.GetElapsedTime(start, encoderStart);

        float[] features;
        float[]? importance = null;
        using (OrtValue pixels = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.PixelValues, [.. inputs.PixelValuesShape]))
        using (IDisposableReadOnlyCollection<OrtValue> outputs = OrtRuns.Run(_session, [_config.PixelValuesName], [pixels], _outputNames, cancellationToken))
        {
            long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
            if (shape.Aggregate(1L, (a, b) => a * b) != (long)Gemma3ImageProcessor.TokensPerImage * _hidden || shape[^1] != _hidden)
            {
                throw new ModelFolderException(_config.FileName, null,
                    $"returned image_features [{string.Join(", ", shape)}] for one image; expected {Gemma3ImageProcessor.TokensPerImage} rows of {_hidden}.");
            }

            features = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            if (_tap.IsAvailable)
            {
                importance = PooledReceivedAttention(outputs[1]);
            }
        }

        timing.Vision += Stopwatch.GetElapsedTime(encoderStart);
        var encoded = new Gemma3EncodedImage(features, importance);
        _cache.Add(job.Key, encoded);
        return encoded;
    }

    public void Dispose() => _session.Dispose();

    /// <summary>The received attention of each soft token: the mean over its 4 x 4 patches, as the projector pools them.</summary>
    private static float[] PooledReceivedAttention(OrtValue tapOutput)
    {
        var perPatch = new float[Patches];
        ReceivedAttentionTap.Read(tapOutput, 1, Patches, perPatch);
        var pooled = new float[Gemma3ImageProcessor.TokensPerImage];
        Importance.PatchMerge.SumImportance<float>(perPatch, Gemma3ImageProcessor.PatchesPerSide, Pool, pooled);
        foreach (ref float token in pooled.AsSpan())
        {
            token /= Pool * Pool;
        }

        return pooled;
    }
}

/// <summary>An image between the two phases: its cache key, its bytes and, if cached, its features.</summary>
internal sealed record Gemma3ImageJob(string Key, RequestImage Image, Gemma3EncodedImage? Cached) : IPlannedImage
{
    public bool IsCached => Cached is not null;
}

/// <summary>
/// The vision encoder's output for one image: its 256 soft-token rows [256 x hidden] in row-major order of the 16 x 16
/// grid, and, when the vision model's attention could be read, each token's received attention [256].
/// </summary>
internal sealed record Gemma3EncodedImage(float[] Features, float[]? Importance) : IEncodedImage
{
    public int RowCount => Gemma3ImageProcessor.TokensPerImage;

    public long SizeInBytes => ((long)Features.Length + (Importance?.Length ?? 0)) * sizeof(float);
}
