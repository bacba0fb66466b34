using System.Net;
using System.Text.Json.Nodes;
using VisPruner.CopilotServer.Tests.Infrastructure;

namespace VisPruner.CopilotServer.Tests.Protocol;

/// <summary>Several models configured by name, each with its own folder and defaults.</summary>
public sealed class ModelsTests(RandomModelServer fixture) : IClassFixture<RandomModelServer>
{
    [Fact]
    public async Task Each_configured_model_is_listed_and_answers_with_its_own_defaults()
    {
        await using TestServer server = await fixture.StartAsync(
            $"Models:wide:ModelFolder={fixture.Folder}",
            $"Models:narrow:ModelFolder={fixture.Folder}",
            "Models:narrow:Engine:Pruning:TokensPerImage=8",
            "Models:narrow:DefaultMaxOutputTokens=2",
            "Copilot:DefaultModel=wide");

        using HttpResponseMessage list = await server.Http.GetAsync(new Uri("v1/models", UriKind.Relative));
        JsonObject wide = await AskAsync(server, "wide");
        JsonObject narrow = await AskAsync(server, "narrow");
        JsonObject unnamed = await AskAsync(server, null);

        Assert.Equal(["wide", "narrow"], (await Requests.JsonAsync(list))["data"]!.AsArray().Select(m => (string?)m!["id"]));
        Assert.Equal("wide", (string?)wide["model"]);
        Assert.Equal("narrow", (string?)narrow["model"]);
        Assert.Equal("wide", (string?)unnamed["model"]);
        Assert.Equal(2, (int)narrow["usage"]!["completion_tokens"]!);
        Assert.True((int)narrow["usage"]!["vispruner"]!["visual_tokens"]! < (int)wide["usage"]!["vispruner"]!["visual_tokens"]!);
    }

    private static async Task<JsonObject> AskAsync(TestServer server, string? model)
    {
        JsonObject body = Requests.Question("What is this?", Requests.Image(Requests.DataUri(TestImages.Bmp(200, 150), "image/bmp")));
        body["max_tokens"] = model == "narrow" ? null : 3;
        body["model"] = model;
        using HttpResponseMessage response = await Requests.PostAsync(server.Http, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Requests.JsonAsync(response);
    }
}
