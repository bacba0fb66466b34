using VisPruner.Engine.Generation;
using VisPruner.Imaging;

namespace VisPruner.CopilotServer;

/// <summary>
/// Which exceptions are the caller's mistakes, and the HTTP status each deserves: too large (413), a format the model
/// cannot read (415), anything else about the request (400). Anything not listed is the server's fault (500).
/// </summary>
internal static class UserErrors
{
    public static int? StatusFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        RequestLimitExceededException or ImageLimitExceededException or PromptTooLongException => StatusCodes.Status413PayloadTooLarge,
        UnsupportedImageFormatException => StatusCodes.Status415UnsupportedMediaType,
        InvalidImageException or ArgumentException or NotSupportedException or UnauthorizedAccessException => StatusCodes.Status400BadRequest,
        InvalidDataException => StatusCodes.Status413PayloadTooLarge, // the multipart reader's body limit
        _ => null,
    };

    public static string TitleFor(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request is too large.",
        StatusCodes.Status415UnsupportedMediaType => "The image format is not supported.",
        _ => "The request is invalid.",
    };
}
