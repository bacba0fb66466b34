using System.Text.Json;
using Microsoft.Extensions.AI;
using VisPruner.Extensions.AI;

namespace VisPruner.CopilotServer.Protocol;

/// <summary>
/// Reads an <c>image_url</c> (<c>{"url", "detail"}</c> or a bare string) into image content: a <c>data:</c> URI, or an
/// <c>http(s)</c> URL when the model's settings let the server fetch images. Nothing else is read, so a request can never
/// make the server open its own files.
/// </summary>
internal static class ImageUrlReader
{
    public static AIContent Read(JsonElement value, string path, bool allowRemote)
    {
        string url;
        string? detail = null;
        if (value.ValueKind == JsonValueKind.String)
        {
            url = value.GetString()!;
        }
        else
        {
            JsonFields.Object(value, path);
            url = JsonFields.String(JsonFields.Required(value, "url", path + ".url"), path + ".url");
            if (JsonFields.Optional(value, "detail") is { } given)
            {
                detail = JsonFields.String(given, path + ".detail");
                if (detail is not ("low" or "high" or "auto"))
                {
                    throw RequestError.Invalid(path + ".detail", $"'{path}.detail' is '{detail}'; use low, high or auto.");
                }
            }
        }

        AIContent image = url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? FromDataUri(url, path) : FromUrl(url, path, allowRemote);
        if (detail is not null)
        {
            image.AdditionalProperties = new() { [VisPrunerPropertyNames.Detail] = detail };
        }

        return image;
    }

    private static DataContent FromDataUri(string url, string path)
    {
        DataContent data;
        try
        {
            data = new DataContent(url);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException)
        {
            throw RequestError.Invalid(path, $"'{path}' is not a valid data: URI; send data:image/png;base64,... (or another image type).");
        }

        if (!data.HasTopLevelMediaType("image"))
        {
            throw new RequestError(StatusCodes.Status415UnsupportedMediaType, $"'{path}' is a data: URI of {data.MediaType}, not of an image.", path);
        }

        return data;
    }

    private static UriContent FromUrl(string url, string path, bool allowRemote)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
        {
            throw RequestError.Invalid(path, $"'{path}' must be a data: URI (data:image/png;base64,...).");
        }

        return allowRemote
            ? new UriContent(uri, "image/*")
            : throw RequestError.Invalid(path, $"'{path}' is a remote URL; this server reads images from data: URIs only unless it is configured to fetch them (AllowRemoteImageUris).");
    }
}
