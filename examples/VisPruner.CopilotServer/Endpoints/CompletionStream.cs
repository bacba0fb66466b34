using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using VisPruner.CopilotServer.Hosting;
using VisPruner.CopilotServer.Protocol;

namespace VisPruner.CopilotServer.Endpoints;

/// <summary>
/// A streamed completion as server-sent events: a role chunk, content deltas, tool-call deltas (with <c>index</c>), a
/// finish chunk, a usage chunk when asked for, then <c>data: [DONE]</c>. A client that disconnects cancels the generation
/// through the request's abort token.
/// </summary>
internal static class CompletionStream
{
    public static async Task WriteAsync(HttpContext context, IChatClient client, ChatCompletionRequest request, CompletionIdentity identity, Refusals refusals)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        await using IAsyncEnumerator<ChatResponseUpdate> updates =
            client.GetStreamingResponseAsync(request.Messages, request.Options, cancellationToken).GetAsyncEnumerator(cancellationToken);

        // The first update comes once the images are read and the prompt is built: every mistake in the request shows
        // by then, while an error status can still be sent.
        bool more = await updates.MoveNextAsync();

        HttpResponse response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await SendAsync(response, CompletionJson.Chunk(identity, new JsonObject { ["role"] = "assistant", ["content"] = "" }));

        var calls = new List<FunctionCallContent>();
        UsageDetails? usage = null;
        AdditionalPropertiesDictionary? perRequest = null;
        ChatFinishReason? finishReason = null;
        try
        {
            for (; more; more = await updates.MoveNextAsync())
            {
                ChatResponseUpdate update = updates.Current;
                if (update.Text.Length > 0)
                {
                    await SendAsync(response, CompletionJson.Chunk(identity, new JsonObject { ["content"] = update.Text }));
                }

                calls.AddRange(update.Contents.OfType<FunctionCallContent>());
                usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
                finishReason = update.FinishReason ?? finishReason;
                perRequest = update.AdditionalProperties ?? perRequest;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && UserErrors.From(ex, request.ImageFields) is { } error)
        {
            // The status is sent: the error goes as an event, as OpenAI's API does.
            refusals.Log(context, error);
            await SendAsync(response, ErrorBody.For(error));
            return;
        }

        if (calls.Count > 0)
        {
            await SendAsync(response, CompletionJson.Chunk(identity, new JsonObject { ["tool_calls"] = CompletionJson.ToolCalls(calls, withIndex: true) }));
        }

        await SendAsync(response, CompletionJson.Chunk(identity, [], finishReason ?? ChatFinishReason.Stop));
        if (request.IncludeUsage)
        {
            await SendAsync(response, CompletionJson.UsageChunk(identity, usage, perRequest));
        }

        await response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static async Task SendAsync(HttpResponse response, JsonObject chunk)
    {
        CancellationToken cancellationToken = response.HttpContext.RequestAborted;
        await response.WriteAsync("data: " + ApiJson.Text(chunk) + "\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
