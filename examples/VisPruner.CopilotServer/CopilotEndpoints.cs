using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VisPruner.CopilotServer;

/// <summary>
/// <c>POST /chat</c>: a multipart form with one or more <c>image</c> files, a <c>question</c>, and optionally
/// <c>detail</c> (low/high/auto) and <c>tokens_per_image</c>; the answer streams back as server-sent events:
/// <c>delta</c> events carry text, one <c>usage</c> event carries the token and pruning figures. A request the server
/// cannot serve as sent (a bad image, a format it cannot read, too many or too large images, a bad setting) gets a
/// problem-details answer with status 400, 413 or 415, found before the stream starts, and is logged below error level.
/// </summary>
internal static partial class CopilotEndpoints
{
    public static void MapCopilot(this WebApplication app)
    {
        app.MapGet("/", () => Results.Content(IndexPage, "text/html; charset=utf-8"));
        app.MapPost("/chat", ChatAsync);
    }

    private static async Task<IResult> ChatAsync(HttpRequest request, IChatClient chat, ILogger<ChatRequestLog> logger, CancellationToken cancellationToken)
    {
        try
        {
            return await AnswerAsync(request, chat, cancellationToken);
        }
        catch (Exception ex) when (UserErrors.StatusFor(ex) is int status)
        {
            LogRefused(logger, status, ex.Message);
            return Results.Problem(detail: ex.Message, statusCode: status, title: UserErrors.TitleFor(status));
        }
    }

    private static async Task<IResult> AnswerAsync(HttpRequest request, IChatClient chat, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            throw new ArgumentException("Send a multipart form with 'image' files and a 'question'.");
        }

        IFormCollection form = await request.ReadFormAsync(cancellationToken);
        string question = form["question"].ToString();
        if (string.IsNullOrWhiteSpace(question))
        {
            throw new ArgumentException("The form needs a 'question'.");
        }

        var contents = new List<AIContent>();
        foreach (IFormFile file in form.Files.GetFiles("image"))
        {
            if (!file.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            {
                throw new VisPruner.Imaging.UnsupportedImageFormatException($"'{file.FileName}' is sent as {file.ContentType}, not as an image.");
            }

            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, cancellationToken);
            var image = new DataContent(buffer.ToArray(), file.ContentType);
            if (form["detail"].ToString() is { Length: > 0 } detail)
            {
                image.AdditionalProperties = new() { ["detail"] = detail };
            }

            contents.Add(image);
        }

        contents.Add(new TextContent(question));
        var options = new ChatOptions();
        if (form["tokens_per_image"].ToString() is { Length: > 0 } tokensText)
        {
            options.AdditionalProperties = new()
            {
                ["vispruner.tokens_per_image"] = int.TryParse(tokensText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int tokens)
                    ? tokens
                    : throw new ArgumentException($"'tokens_per_image' is '{tokensText}', not a whole number."),
            };
        }

        // The first update comes after the images are read, checked, encoded and the prompt assembled: every mistake in the
        // request shows by then, while an error status can still be sent.
        IAsyncEnumerator<ChatResponseUpdate> updates = chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, contents)], options, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        bool more;
        try
        {
            more = await updates.MoveNextAsync();
        }
        catch
        {
            await updates.DisposeAsync();
            throw;
        }

        return TypedResults.ServerSentEvents(StreamAsync(updates, more));
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(IAsyncEnumerator<ChatResponseUpdate> updates, bool more)
    {
        await using IAsyncEnumerator<ChatResponseUpdate> owned = updates;
        for (; more; more = await owned.MoveNextAsync())
        {
            ChatResponseUpdate update = owned.Current;
            if (update.Text.Length > 0)
            {
                yield return new SseItem<string>(update.Text, "delta");
            }

            foreach (UsageContent usage in update.Contents.OfType<UsageContent>())
            {
                var figures = new Dictionary<string, long?>
                {
                    ["input_tokens"] = usage.Details.InputTokenCount,
                    ["output_tokens"] = usage.Details.OutputTokenCount,
                };
                foreach ((string key, long value) in usage.Details.AdditionalCounts ?? [])
                {
                    figures[key] = value;
                }

                // Figures of this request that do not add up over requests (time to first token, peak KV cache).
                foreach ((string key, object? value) in update.AdditionalProperties ?? [])
                {
                    if (value is long figure)
                    {
                        figures[key] = figure;
                    }
                }

                yield return new SseItem<string>(JsonSerializer.Serialize(figures), "usage");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a chat request with status {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string reason);

    private const string IndexPage = """
        <!doctype html>
        <meta charset="utf-8"><title>VisPruner copilot</title>
        <h1>Ask about an image</h1>
        <form id="f"><input type="file" name="image" accept="image/*" multiple required>
        <input name="question" size="60" value="What is in this picture?">
        <select name="detail"><option>auto</option><option>low</option><option>high</option></select>
        <button>Ask</button></form>
        <pre id="answer"></pre><pre id="usage"></pre>
        <script>
        f.onsubmit = async e => {
          e.preventDefault(); answer.textContent = ''; usage.textContent = '';
          const response = await fetch('/chat', { method: 'POST', body: new FormData(f) });
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);
              const type = (block.match(/^event: (.*)$/m) || [])[1];
              const data = block.split('\n').filter(l => l.startsWith('data: ')).map(l => l.slice(6)).join('\n');
              if (type === 'usage') usage.textContent = JSON.stringify(JSON.parse(data), null, 2); else answer.textContent += data;
            }
          }
        };
        </script>
        """;
}

/// <summary>The logging category of refused chat requests.</summary>
internal sealed class ChatRequestLog;
