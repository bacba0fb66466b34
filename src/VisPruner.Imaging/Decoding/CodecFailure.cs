using SkiaSharp;

namespace VisPruner.Imaging.Decoding;

/// <summary>Turns Skia's codec results into the reasons <see cref="InvalidImageException"/> states.</summary>
internal static class CodecFailure
{
    public static InvalidImageException Create(ImageFormat format, SKCodecResult result) => new(result switch
    {
        SKCodecResult.IncompleteInput => $"{format.DisplayName()} file is truncated: the data ends before the image is complete.",
        SKCodecResult.ErrorInInput => $"{format.DisplayName()} data is corrupt: the decoder met invalid data inside the image.",
        SKCodecResult.InvalidInput => $"{format.DisplayName()} file is invalid, or uses a variant the decoder does not support.",
        _ => $"{format.DisplayName()} decoding failed ({result}).",
    });

    public static InvalidImageException Header(ImageFormat format, SKCodecResult result) => new(result switch
    {
        SKCodecResult.IncompleteInput => $"{format.DisplayName()} file is truncated: the header is incomplete.",
        _ => $"{format.DisplayName()} header is invalid, or uses a variant the decoder does not support ({result}).",
    });
}
