using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using VisPruner.CopilotServer.Hosting;
using VisPruner.CopilotServer.Protocol;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;
using VisPruner.Imaging;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.Imaging.Png;

namespace VisPruner.CopilotServer.Endpoints;

/// <summary>
/// <c>POST /v1/vispruner/explain</c> (ours, not OpenAI's): which visual tokens of an image a request with the same
/// <c>detail</c> and <c>vispruner</c> settings keeps, drawn over the image (the CLI's <c>--explain</c>). Body:
/// <c>{"model", "image_url": {"url": "data:...", "detail"}, "vispruner": {...}}</c>; answer: <c>{"kept_tokens",
/// "visual_tokens", "image": "data:image/png;base64,..."}</c>.
/// </summary>
internal static class ExplainEndpoint
{
    public static async Task HandleAsync(HttpContext context, ModelCatalog models)
    {
        using JsonDocument body = await JsonBody.ReadAsync(context.Request);
        JsonElement root = body.RootElement.ValueKind == JsonValueKind.Object
            ? body.RootElement
            : throw new RequestError(StatusCodes.Status400BadRequest, "The request body must be a JSON object.");
        string model = models.Resolve(JsonFields.Optional(root, "model") is { } given ? JsonFields.String(given, "model") : null);

        // Drawing needs the image's bytes: data: URIs only, even where the model may fetch images.
        var image = (DataContent)ImageUrlReader.Read(JsonFields.Required(root, "image_url", "image_url"), "image_url", allowRemote: false);
        var options = new ChatOptions();
        if (JsonFields.Optional(root, "vispruner") is { } extension)
        {
            PruningReader.Read(extension, options);
        }

        VisualTokenSelection selection;
        RgbImage decoded;
        try
        {
            selection = await models.Client(model).SelectVisualTokensAsync(image, options, context.RequestAborted);
            ImageLimits limits = models.Settings(model).Engine.ImageLimits;
            decoded = ImageDecoder.Decode(image.Data.Span, new ImageDecoderOptions
            {
                MaxPixels = limits.MaxPixelsPerImage,
                MaxAspectRatio = limits.MaxAspectRatio,
                MaxEncodedBytes = limits.MaxEncodedBytes,
            });
        }
        catch (Exception ex) when (UserErrors.From(ex, ["image_url"]) is { } error)
        {
            throw error;
        }

        byte[] png = PngEncoder.EncodeToBytes(Phi3VisionTokenOverlay.Render(decoded, selection.Layout, selection.KeptRows.ToHashSet()));
        await ChatCompletionsEndpoint.WriteJsonAsync(context.Response, new JsonObject
        {
            ["object"] = "vispruner.token_selection",
            ["model"] = model,
            ["kept_tokens"] = selection.KeptRows.Count,
            ["visual_tokens"] = selection.Layout.NumImageTokens,
            ["image"] = "data:image/png;base64," + Convert.ToBase64String(png),
        });
    }
}
