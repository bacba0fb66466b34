using System.Text.Json;
using VisPruner.CopilotServer.Protocol;

namespace VisPruner.CopilotServer.Endpoints;

/// <summary>
/// Reads a JSON request body. Only <c>application/json</c> is accepted: a web page can send forms and plain text to
/// any address without asking, but JSON only after a CORS preflight, which the server refuses for unknown origins.
/// </summary>
internal static class JsonBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static async Task<JsonDocument> ReadAsync(HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            throw new RequestError(
                StatusCodes.Status415UnsupportedMediaType,
                $"Send the request as application/json, not as {(request.ContentType is { Length: > 0 } type ? type : "a body without a content type")}.");
        }

        try
        {
            return await JsonDocument.ParseAsync(request.Body, Options, request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            throw new RequestError(StatusCodes.Status400BadRequest, $"The request body is not valid JSON: {ex.Message}", innerException: ex);
        }
    }
}
