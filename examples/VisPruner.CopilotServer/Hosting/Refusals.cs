using VisPruner.CopilotServer.Protocol;

namespace VisPruner.CopilotServer.Hosting;

/// <summary>
/// Answers refused requests in OpenAI's error shape and logs each at information level, without a stack trace: a
/// refusal is the client's business, not a fault of the server.
/// </summary>
internal sealed partial class Refusals(ILogger<Refusals> logger)
{
    public async Task WriteAsync(HttpContext context, RequestError error)
    {
        Log(context, error);
        if (!context.Response.HasStarted)
        {
            await ErrorBody.WriteAsync(context.Response, error);
        }
    }

    /// <summary>Logs a refusal whose answer goes elsewhere (an error event in a started stream).</summary>
    public void Log(HttpContext context, RequestError error) =>
        LogRefused(logger, error.Status, context.Request.Method, context.Request.Path, error.Message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Method} {Path} with status {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string method, PathString path, string reason);
}
