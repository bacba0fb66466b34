using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using VisPruner.CopilotServer.Hosting;
using VisPruner.CopilotServer.Protocol;
using VisPruner.Extensions.AI;

namespace VisPruner.CopilotServer.Endpoints;

/// <summary><c>POST /v1/chat/completions</c>: OpenAI's Chat Completions API over the named model's chat client.</summary>
internal static class ChatCompletionsEndpoint
{
    public static async Task HandleAsync(HttpContext context, ModelCatalog models, Refusals refusals)
    {
        using JsonDocument body = await JsonBody.ReadAsync(context.Request);
        ChatCompletionRequest request = ChatCompletionRequest.Read(body.RootElement, models.AllowsRemoteImages);
        string model = models.Resolve(request.Model);
        VisPrunerChatClient client = models.Client(model);
        var identity = new CompletionIdentity(model);
        try
        {
            if (request.Stream)
            {
                await CompletionStream.WriteAsync(context, client, request, identity, refusals);
            }
            else
            {
                ChatResponse response = await client.GetResponseAsync(request.Messages, request.Options, context.RequestAborted);
                await WriteJsonAsync(context.Response, CompletionJson.Completion(identity, response));
            }
        }
        catch (Exception ex) when (!context.Response.HasStarted && UserErrors.From(ex, request.ImageFields) is { } error)
        {
            throw error;
        }
    }

    public static async Task WriteJsonAsync(HttpResponse response, JsonNode json)
    {
        response.ContentType = "application/json";
        await response.WriteAsync(ApiJson.Text(json), response.HttpContext.RequestAborted);
    }
}
