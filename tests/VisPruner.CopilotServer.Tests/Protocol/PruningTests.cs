using System.Net;
using System.Text.Json.Nodes;
using VisPruner.CopilotServer.Tests.Infrastructure;

namespace VisPruner.CopilotServer.Tests.Protocol;

/// <summary>The <c>vispruner</c> extension object and an image's <c>detail</c> set the budget; the explain endpoint shows its tokens.</summary>
public sealed class PruningTests(RandomModelServer fixture) : IClassFixture<RandomModelServer>
{
    private static readonly string Image = Requests.DataUri(TestImages.Bmp(300, 200), "image/bmp");

    private async Task<JsonObject> FiguresAsync(string? detail, JsonObject? extension)
    {
        JsonObject body = Requests.Question("What is in this picture?", Requests.Image(Image, detail));
        body["vispruner"] = extension;
        using HttpResponseMessage response = await Requests.PostAsync(fixture.Server.Http, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Requests.JsonAsync(response))["usage"]!["vispruner"]!.AsObject();
    }

    private async Task<JsonObject> ExplainAsync(string? detail, JsonObject? extension)
    {
        var body = new JsonObject { ["image_url"] = Requests.Image(Image, detail)["image_url"]!.DeepClone(), ["vispruner"] = extension };
        using HttpResponseMessage response = await Requests.PostAsync(fixture.Server.Http, body, "v1/vispruner/explain");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Requests.JsonAsync(response);
    }

    [Fact]
    public async Task Detail_and_the_extension_object_set_the_budget_and_explain_shows_the_same_tokens()
    {
        JsonObject auto = await FiguresAsync(null, null);
        JsonObject low = await FiguresAsync("low", null);
        JsonObject high = await FiguresAsync("high", null);
        JsonObject sixteen = await FiguresAsync("high", new JsonObject { ["tokens_per_image"] = 16, ["selector"] = "DivPrune" });

        int before = (int)auto["visual_tokens_before_pruning"]!;
        Assert.Equal(before, (int)high["visual_tokens"]!);
        Assert.True((int)low["visual_tokens"]! < (int)auto["visual_tokens"]!);
        Assert.True((int)auto["visual_tokens"]! < before);
        Assert.True((int)sixteen["visual_tokens"]! < (int)low["visual_tokens"]!);

        foreach ((string? detail, JsonObject? extension, JsonObject figures) in new[]
        {
            ((string?)null, (JsonObject?)null, auto),
            ("low", null, low),
            ("high", new JsonObject { ["tokens_per_image"] = 16, ["selector"] = "DivPrune" }, sixteen),
        })
        {
            JsonObject selection = await ExplainAsync(detail, extension);
            Assert.Equal((int)figures["visual_tokens"]!, (int)selection["kept_tokens"]!);
            Assert.Equal(before, (int)selection["visual_tokens"]!);
            byte[] png = Convert.FromBase64String(((string)selection["image"]!)["data:image/png;base64,".Length..]);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        }
    }
}
