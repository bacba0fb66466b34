namespace VisPruner.CopilotServer.Hosting;

/// <summary>The server's own settings (section <c>Copilot</c>); the models are configured under <c>VisPruner</c> or <c>Models</c>.</summary>
internal sealed class CopilotOptions
{
    public const string SectionName = "Copilot";

    /// <summary>Gets or sets the key clients must send as <c>Authorization: Bearer KEY</c>; empty accepts any request.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the web origins (<c>https://app.example</c>) whose pages may call the API from a browser. Empty by
    /// default: only the server's own page may, so a site the user visits cannot drive the local model.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Gets or sets the model a request without <c>model</c> gets; empty for the first by name.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>Gets or sets how many model requests run at once (the engine serves one at a time; one more prepares its images).</summary>
    public int MaxConcurrentRequests { get; set; } = 2;

    /// <summary>Gets or sets how many model requests may wait; past that a request gets 429 with <c>Retry-After</c>.</summary>
    public int MaxQueuedRequests { get; set; } = 8;

    /// <summary>Gets or sets the seconds a refused client is told to wait.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>Gets or sets the largest request body: the conversation with its images as data: URIs.</summary>
    public long MaxRequestBodyBytes { get; set; } = 32_000_000;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxConcurrentRequests < 1)
        {
            problems.Add($"Copilot:MaxConcurrentRequests ({MaxConcurrentRequests}) must be at least 1.");
        }

        if (MaxQueuedRequests < 0)
        {
            problems.Add($"Copilot:MaxQueuedRequests ({MaxQueuedRequests}) must not be negative.");
        }

        if (RetryAfterSeconds < 1)
        {
            problems.Add($"Copilot:RetryAfterSeconds ({RetryAfterSeconds}) must be at least 1.");
        }

        if (MaxRequestBodyBytes < 1)
        {
            problems.Add($"Copilot:MaxRequestBodyBytes ({MaxRequestBodyBytes}) must be positive.");
        }

        foreach (string origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
            {
                problems.Add($"Copilot:AllowedOrigins: '{origin}' is not an origin such as https://app.example or http://localhost:3000.");
            }
        }

        return problems;
    }
}
