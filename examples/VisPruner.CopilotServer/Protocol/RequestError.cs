namespace VisPruner.CopilotServer.Protocol;

/// <summary>
/// A request the server refuses, with what the OpenAI error body carries: the HTTP status, a message for the user, the
/// request field at fault (<c>messages[1].content[0].image_url</c>) and a machine-readable code.
/// </summary>
internal sealed class RequestError : Exception
{
    public RequestError(int status, string message, string? param = null, string? code = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        Param = param;
        Code = code;
    }

    public int Status { get; }

    public string? Param { get; }

    public string? Code { get; }

    /// <summary>A 400 naming the field at fault.</summary>
    public static RequestError Invalid(string param, string message) => new(StatusCodes.Status400BadRequest, message, param);
}
