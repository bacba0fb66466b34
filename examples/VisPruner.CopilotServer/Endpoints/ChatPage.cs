namespace VisPruner.CopilotServer.Endpoints;

/// <summary><c>GET /</c>: a small chat page on the same API (ChatPage.html, embedded).</summary>
internal static class ChatPage
{
    private static readonly Lazy<byte[]> Html = new(() =>
    {
        using Stream page = typeof(ChatPage).Assembly.GetManifestResourceStream("ChatPage.html")
            ?? throw new InvalidOperationException("The chat page is not embedded in the server.");
        using var copy = new MemoryStream();
        page.CopyTo(copy);
        return copy.ToArray();
    });

    public static IResult Serve(HttpResponse response)
    {
        // The page may not be framed by other sites, and runs only its own script.
        response.Headers.XFrameOptions = "DENY";
        response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'";
        return Results.Bytes(Html.Value, "text/html; charset=utf-8");
    }
}
