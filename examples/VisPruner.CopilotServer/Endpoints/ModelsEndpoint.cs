using System.Text.Json.Nodes;
using VisPruner.CopilotServer.Hosting;

namespace VisPruner.CopilotServer.Endpoints;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the configured models, as OpenAI lists them.</summary>
internal static class ModelsEndpoint
{
    private static readonly long Started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static Task ListAsync(HttpContext context, ModelCatalog models) =>
        ChatCompletionsEndpoint.WriteJsonAsync(context.Response, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. models.Names.Select(Model)]),
        });

    public static Task GetAsync(HttpContext context, ModelCatalog models, string id) =>
        ChatCompletionsEndpoint.WriteJsonAsync(context.Response, Model(models.Resolve(id)));

    private static JsonObject Model(string name) => new()
    {
        ["id"] = name,
        ["object"] = "model",
        ["created"] = Started,
        ["owned_by"] = "vispruner",
    };
}
