using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace VisPruner.CopilotServer.Protocol;

/// <summary>The id, creation time and model every chunk of one completion repeats.</summary>
internal sealed class CompletionIdentity(string model)
{
    public string Id { get; } = "chatcmpl-" + Guid.NewGuid().ToString("N");

    public long Created { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public string Model { get; } = model;
}

/// <summary>
/// Writes OpenAI's <c>chat.completion</c> and <c>chat.completion.chunk</c> objects. Usage carries the token counts,
/// <c>prompt_tokens_details.cached_tokens</c> (prompt tokens whose key/value cache was reused) and a <c>vispruner</c>
/// object with the pruning figures.
/// </summary>
internal static class CompletionJson
{
    private const string Prefix = "vispruner.";

    public static JsonObject Completion(CompletionIdentity identity, ChatResponse response)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = response.Text.Length > 0 ? response.Text : null };
        List<FunctionCallContent> calls = [.. response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];
        if (calls.Count > 0)
        {
            message["tool_calls"] = ToolCalls(calls, withIndex: false);
        }

        JsonObject completion = Envelope(identity, "chat.completion");
        completion["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = message,
            ["logprobs"] = null,
            ["finish_reason"] = FinishReason(response.FinishReason),
        });
        completion["usage"] = Usage(response.Usage, response.AdditionalProperties ?? response.Messages.LastOrDefault()?.AdditionalProperties);
        return completion;
    }

    /// <summary>A chunk with one choice: a delta and, on the last, the finish reason.</summary>
    public static JsonObject Chunk(CompletionIdentity identity, JsonObject delta, ChatFinishReason? finishReason = null)
    {
        JsonObject chunk = Envelope(identity, "chat.completion.chunk");
        chunk["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason is null ? null : FinishReason(finishReason),
        });
        return chunk;
    }

    /// <summary>The chunk after the finish chunk when <c>stream_options.include_usage</c> is set: no choices, the usage.</summary>
    public static JsonObject UsageChunk(CompletionIdentity identity, UsageDetails? usage, AdditionalPropertiesDictionary? perRequest)
    {
        JsonObject chunk = Envelope(identity, "chat.completion.chunk");
        chunk["choices"] = new JsonArray();
        chunk["usage"] = Usage(usage, perRequest);
        return chunk;
    }

    /// <summary>Calls as OpenAI writes them; streamed calls carry their position in <c>index</c>.</summary>
    public static JsonArray ToolCalls(IReadOnlyList<FunctionCallContent> calls, bool withIndex)
    {
        var array = new JsonArray();
        for (int i = 0; i < calls.Count; i++)
        {
            var call = new JsonObject();
            if (withIndex)
            {
                call["index"] = i;
            }

            call["id"] = calls[i].CallId;
            call["type"] = "function";
            call["function"] = new JsonObject
            {
                ["name"] = calls[i].Name,
                ["arguments"] = JsonSerializer.Serialize(calls[i].Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))),
            };
            array.Add(call);
        }

        return array;
    }

    /// <summary>
    /// Usage: counts, reused prompt tokens, and the pruning figures (the connector's <c>vispruner.*</c> counts and
    /// per-request figures) without their prefix under <c>vispruner</c>.
    /// </summary>
    public static JsonObject Usage(UsageDetails? usage, AdditionalPropertiesDictionary? perRequest)
    {
        var figures = new JsonObject();
        foreach ((string key, long value) in usage?.AdditionalCounts ?? [])
        {
            if (key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                figures[key[Prefix.Length..]] = value;
            }
        }

        foreach ((string key, object? value) in perRequest ?? [])
        {
            if (key.StartsWith(Prefix, StringComparison.Ordinal) && value is long figure)
            {
                figures[key[Prefix.Length..]] = figure;
            }
        }

        return new JsonObject
        {
            ["prompt_tokens"] = usage?.InputTokenCount ?? 0,
            ["completion_tokens"] = usage?.OutputTokenCount ?? 0,
            ["total_tokens"] = usage?.TotalTokenCount ?? 0,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = usage?.CachedInputTokenCount ?? 0 },
            ["vispruner"] = figures,
        };
    }

    private static JsonObject Envelope(CompletionIdentity identity, string kind) => new()
    {
        ["id"] = identity.Id,
        ["object"] = kind,
        ["created"] = identity.Created,
        ["model"] = identity.Model,
    };

    private static string FinishReason(ChatFinishReason? reason) =>
        reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : "stop";
}
