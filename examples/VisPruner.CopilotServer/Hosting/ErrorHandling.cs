using VisPruner.CopilotServer.Protocol;

namespace VisPruner.CopilotServer.Hosting;

/// <summary>
/// Turns what endpoints throw into OpenAI error answers: a user's mistake gets its 4xx (see <see cref="UserErrors"/>),
/// anything else a 500 whose details stay in the log. A request the client abandoned gets nothing.
/// </summary>
internal sealed partial class ErrorHandling(RequestDelegate next, Refusals refusals, ILogger<ErrorHandling> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            LogAbandoned(logger, context.Request.Path);
        }
        catch (Exception ex) when (UserErrors.From(ex) is { } error)
        {
            await refusals.WriteAsync(context, error);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            LogFailed(logger, context.Request.Path, ex);
            await ErrorBody.WriteAsync(context.Response, new RequestError(StatusCodes.Status500InternalServerError, "The server failed to answer; see its log."));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The client left {Path} before the answer was complete.")]
    private static partial void LogAbandoned(ILogger logger, PathString path);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path} failed.")]
    private static partial void LogFailed(ILogger logger, PathString path, Exception exception);
}
