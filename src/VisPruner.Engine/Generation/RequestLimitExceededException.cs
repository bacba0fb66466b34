namespace VisPruner.Engine.Generation;

/// <summary>A request asks for more than an <see cref="ImageLimits"/> cap allows; the message names the cap.</summary>
public sealed class RequestLimitExceededException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="RequestLimitExceededException"/> class.</summary>
    public RequestLimitExceededException()
        : base("The request exceeds a limit.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RequestLimitExceededException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RequestLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RequestLimitExceededException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RequestLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RequestLimitExceededException"/> class naming the limit.</summary>
    /// <param name="message">What is over the limit.</param>
    /// <param name="limitName">The option that sets the limit, such as <c>ImageLimits.MaxImagesPerRequest</c>.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RequestLimitExceededException(string message, string limitName, Exception? innerException = null)
        : base(message, "request", innerException)
    {
        LimitName = limitName;
    }

    /// <summary>Gets the option that sets the limit that was exceeded.</summary>
    public string? LimitName { get; }
}
