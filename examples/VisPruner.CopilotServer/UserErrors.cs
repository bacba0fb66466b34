using System.Text.RegularExpressions;
using VisPruner.CopilotServer.Protocol;
using VisPruner.Engine.Generation;
using VisPruner.Imaging;

namespace VisPruner.CopilotServer;

/// <summary>
/// Which exceptions are the caller's mistakes, and the HTTP status each deserves: too large (413), a format the model
/// cannot read (415), anything else about the request (400). Anything not listed is the server's fault (500).
/// </summary>
internal static partial class UserErrors
{
    /// <summary>The request error an exception stands for, or null when it is the server's fault.</summary>
    /// <param name="exception">What was thrown.</param>
    /// <param name="imageFields">The request fields of its images in order, to name the one an engine error numbers.</param>
    public static RequestError? From(Exception exception, IReadOnlyList<string>? imageFields = null)
    {
        if (exception is RequestError error)
        {
            return error;
        }

        int? status = exception switch
        {
            BadHttpRequestException bad => bad.StatusCode,
            RequestLimitExceededException or ImageLimitExceededException or PromptTooLongException => StatusCodes.Status413PayloadTooLarge,
            UnsupportedImageFormatException => StatusCodes.Status415UnsupportedMediaType,
            InvalidImageException or ArgumentException or NotSupportedException or UnauthorizedAccessException => StatusCodes.Status400BadRequest,
            _ => null,
        };
        return status is int code ? new RequestError(code, Clean(exception.Message), ParamOf(exception.Message, imageFields), innerException: exception) : null;
    }

    /// <summary>The message without .NET's argument decorations ("(Parameter 'x')", "Actual value was ...").</summary>
    public static string Clean(string message) =>
        Whitespace().Replace(ActualValue().Replace(ParameterSuffix().Replace(message, string.Empty), string.Empty), " ").Trim();

    private static string? ParamOf(string message, IReadOnlyList<string>? imageFields)
    {
        // The engine numbers a request's images from 1 in the order the messages carry them.
        Match image = ImageNumber().Match(message);
        if (image.Success && imageFields is not null && int.Parse(image.Groups[1].ValueSpan, provider: null) is int number && number <= imageFields.Count)
        {
            return imageFields[number - 1];
        }

        Match setting = PruningSetting().Match(message);
        return setting.Success ? setting.Value : null;
    }

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"\s*Actual value was [^\r\n]*")]
    private static partial Regex ActualValue();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^Image (\d+) of the request")]
    private static partial Regex ImageNumber();

    [GeneratedRegex(@"vispruner\.[a-z_]+")]
    private static partial Regex PruningSetting();
}
