using System.Text.Json.Nodes;

namespace VisPruner.CopilotServer.Protocol;

/// <summary>OpenAI's error shape: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal static class ErrorBody
{
    public static JsonObject For(RequestError error) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = error.Message,
            ["type"] = TypeFor(error.Status),
            ["param"] = error.Param,
            ["code"] = error.Code ?? CodeFor(error.Status),
        },
    };

    /// <summary>Writes the error as the whole response (before anything else was sent).</summary>
    public static async Task WriteAsync(HttpResponse response, RequestError error)
    {
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        await response.WriteAsync(ApiJson.Text(For(error)), response.HttpContext.RequestAborted);
    }

    private static string TypeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    private static string? CodeFor(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "queue_full",
        _ => null,
    };
}
