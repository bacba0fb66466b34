using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VisPruner.CopilotServer;

/// <summary>
/// <c>POST /chat</c>: a multipart form with one or more <c>image</c> files, a <c>question</c>, and optionally
/// <c>detail</c> (low/high/auto) and <c>tokens_per_image</c>; the answer streams back as server-sent events:
/// <c>delta</c> events carry text, one <c>usage</c> event carries the token and pruning figures.
/// </summary>
internal static class CopilotEndpoints
{
    private const long MaxImageBytes = 20_000_000;

    public static void MapCopilot(this WebApplication app)
    {
        app.MapGet("/", () => Results.Content(IndexPage, "text/html; charset=utf-8"));
        app.MapPost("/chat", ChatAsync);
    }

    private static async Task<IResult> ChatAsync(HttpRequest request, IChatClient chat, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return Results.BadRequest("Send a multipart form with 'image' files and a 'question'.");
        }

        IFormCollection form = await request.ReadFormAsync(cancellationToken);
        string question = form["question"].ToString();
        if (string.IsNullOrWhiteSpace(question))
        {
            return Results.BadRequest("The form needs a 'question'.");
        }

        var contents = new List<AIContent>();
        foreach (IFormFile file in form.Files.GetFiles("image"))
        {
            if (!file.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || file.Length is 0 or > MaxImageBytes)
            {
                return Results.BadRequest($"'{file.FileName}' is not an image of at most {MaxImageBytes} bytes.");
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
        if (int.TryParse(form["tokens_per_image"], NumberStyles.Integer, CultureInfo.InvariantCulture, out int tokens))
        {
            options.AdditionalProperties = new() { ["vispruner.tokens_per_image"] = tokens };
        }

        return TypedResults.ServerSentEvents(StreamAsync(chat, [new ChatMessage(ChatRole.User, contents)], options, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(
        IChatClient chat, List<ChatMessage> messages, ChatOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
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

                yield return new SseItem<string>(JsonSerializer.Serialize(figures), "usage");
            }
        }
    }

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
