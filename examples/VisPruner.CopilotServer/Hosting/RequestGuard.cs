using System.Security.Cryptography;
using System.Text;
using VisPruner.CopilotServer.Protocol;

namespace VisPruner.CopilotServer.Hosting;

/// <summary>
/// Refuses what a web page the user visits, or another local user, could otherwise make the server do: browser requests
/// from other origins (unless configured, then CORS answers them), and API requests without the key when one is set.
/// Host names are checked before this by ASP.NET Core's host filtering (<c>AllowedHosts</c>), which defeats DNS rebinding.
/// </summary>
internal sealed class RequestGuard(RequestDelegate next, CopilotOptions options, Refusals refusals)
{
    private readonly byte[]? _key = string.IsNullOrEmpty(options.ApiKey) ? null : Encoding.UTF8.GetBytes(options.ApiKey);

    public async Task InvokeAsync(HttpContext context)
    {
        if (Refusal(context) is { } error)
        {
            await refusals.WriteAsync(context, error);
            return;
        }

        await next(context);
    }

    private RequestError? Refusal(HttpContext context)
    {
        // Browsers send Origin with every cross-origin request and with same-origin POSTs; other clients send none.
        string origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !SameOrigin(context.Request, origin) && !options.AllowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase))
        {
            return new RequestError(StatusCodes.Status403Forbidden, $"Requests from the web origin '{origin}' are not allowed; add it to Copilot:AllowedOrigins to allow them.", code: "origin_not_allowed");
        }

        // A CORS preflight carries no credentials; CORS answers it for allowed origins.
        if (_key is null || HttpMethods.IsOptions(context.Request.Method) || !context.Request.Path.StartsWithSegments("/v1"))
        {
            return null;
        }

        string authorization = context.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        bool valid = authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[Bearer.Length..].Trim()), _key);
        return valid ? null : new RequestError(StatusCodes.Status401Unauthorized, "Send the server's API key as 'Authorization: Bearer KEY'.", code: "invalid_api_key");
    }

    private static bool SameOrigin(HttpRequest request, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri)
        && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
