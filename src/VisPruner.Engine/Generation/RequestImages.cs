using VisPruner.Imaging;

namespace VisPruner.Engine.Generation;

/// <summary>An image of a request, read and identified from its header, not yet decoded.</summary>
/// <param name="Number">Its position in the request, from 1.</param>
/// <param name="Bytes">The encoded bytes.</param>
/// <param name="Header">Format, size and orientation from the header.</param>
internal sealed record RequestImage(int Number, ReadOnlyMemory<byte> Bytes, ImageHeader Header);

/// <summary>
/// Reads a request's images and checks every cap of <see cref="ImageLimits"/> from their headers, before the request
/// waits for its turn and before any pixel is decoded: a slow or hostile input cannot hold the engine, and an oversized
/// request is refused at the cost of reading headers.
/// </summary>
internal static class RequestImages
{
    /// <exception cref="RequestLimitExceededException">Too many images, or too many pixels together.</exception>
    /// <exception cref="ImageLimitExceededException">An image breaks a per-image cap (bytes, pixels, aspect ratio).</exception>
    /// <exception cref="InvalidImageException">An image is not a supported, valid image (the message says which).</exception>
    public static async Task<RequestImage[]> ReadAsync(IReadOnlyList<ImageInput> inputs, ImageLimits limits, CancellationToken cancellationToken)
    {
        if (inputs.Count > limits.MaxImagesPerRequest)
        {
            throw new RequestLimitExceededException(
                $"The request carries {inputs.Count} images; at most {limits.MaxImagesPerRequest} are accepted (ImageLimits.MaxImagesPerRequest).",
                "ImageLimits.MaxImagesPerRequest");
        }

        ImageDecoderOptions decoder = DecoderOptions(limits);
        var images = new RequestImage[inputs.Count];
        long bytesLeft = limits.MaxEncodedBytes, pixels = 0;
        for (int i = 0; i < images.Length; i++)
        {
            ReadOnlyMemory<byte> bytes = await inputs[i].ReadAsync(bytesLeft, cancellationToken).ConfigureAwait(false);
            bytesLeft -= bytes.Length;
            ImageHeader header = Numbered(i + 1, () => ImageDecoder.Identify(bytes.Span, decoder));
            pixels += header.PixelCount;
            if (pixels > limits.MaxTotalPixels)
            {
                throw new RequestLimitExceededException(
                    $"The request's images have {pixels} pixels together by image {i + 1}; at most {limits.MaxTotalPixels} are accepted (ImageLimits.MaxTotalPixels).",
                    "ImageLimits.MaxTotalPixels");
            }

            images[i] = new RequestImage(i + 1, bytes, header);
        }

        return images;
    }

    /// <summary>The decoder limits that carry <paramref name="limits"/>' per-image caps.</summary>
    public static ImageDecoderOptions DecoderOptions(ImageLimits limits) => new()
    {
        MaxPixels = limits.MaxPixelsPerImage,
        MaxAspectRatio = limits.MaxAspectRatio,
        MaxEncodedBytes = limits.MaxEncodedBytes,
    };

    /// <summary>Runs <paramref name="work"/> on image <paramref name="number"/>, naming the image in its errors.</summary>
    public static T Numbered<T>(int number, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (ImageLimitExceededException ex)
        {
            // The decoder names its own options; the application sets the engine's.
            string option = ex.OptionName switch
            {
                nameof(ImageDecoderOptions.MaxPixels) => "ImageLimits.MaxPixelsPerImage",
                nameof(ImageDecoderOptions.MaxAspectRatio) => "ImageLimits.MaxAspectRatio",
                nameof(ImageDecoderOptions.MaxEncodedBytes) => "ImageLimits.MaxEncodedBytes",
                _ => ex.OptionName ?? string.Empty,
            };
            string message = ex.OptionName is null ? ex.Message : ex.Message.Replace($"ImageDecoderOptions.{ex.OptionName}", option, StringComparison.Ordinal);
            throw new ImageLimitExceededException($"Image {number} of the request: {message}", option, ex);
        }
        catch (UnsupportedImageFormatException ex)
        {
            throw new UnsupportedImageFormatException($"Image {number} of the request: {ex.Message}", ex);
        }
        catch (InvalidImageException ex) when (ex is not ImageLimitExceededException)
        {
            throw new InvalidImageException($"Image {number} of the request cannot be decoded: {ex.Message}", ex);
        }
    }
}
