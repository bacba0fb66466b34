using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using VisPruner.CopilotServer.Tests.Infrastructure;

namespace VisPruner.CopilotServer.Tests.Protocol;

/// <summary>
/// What a web page the user visits, or another program on the machine, could try: other host names (DNS rebinding),
/// other origins, and requests without the API key when one is set.
/// </summary>
public sealed class SecurityTests(RandomModelServer fixture) : IClassFixture<RandomModelServer>
{
    private static HttpRequestMessage Get(string path, string? host = null, string? origin = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("rebound.attacker.example:5117")]
    [InlineData("192.168.1.20")]
    public async Task Other_host_names_are_refused_and_logged(string host)
    {
        using HttpResponseMessage response = await fixture.Server.Http.SendAsync(Get("v1/models", host: host));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(fixture.Server.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains(host.Split(':')[0], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task Loopback_host_names_are_served(string host)
    {
        using HttpResponseMessage response = await fixture.Server.Http.SendAsync(Get("v1/models", host: $"{host}:{fixture.Server.BaseAddress.Port}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_cross_origin_browser_request_is_refused_and_the_same_origin_served()
    {
        using HttpResponseMessage cross = await fixture.Server.Http.SendAsync(Get("v1/models", origin: "https://attacker.example"));
        using HttpResponseMessage same = await fixture.Server.Http.SendAsync(Get("v1/models", origin: fixture.Server.BaseAddress.GetLeftPart(UriPartial.Authority)));

        Assert.Equal(HttpStatusCode.Forbidden, cross.StatusCode);
        Assert.Equal("origin_not_allowed", (await Requests.ErrorAsync(cross)).GetProperty("code").GetString());
        Assert.False(cross.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Contains(fixture.Server.Logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("status 403", StringComparison.Ordinal) && !e.HasException);
    }

    [Fact]
    public async Task A_configured_origin_passes_the_CORS_preflight_and_others_still_do_not()
    {
        const string App = "http://localhost:3000";
        await using TestServer server = await fixture.StartAsync($"Copilot:AllowedOrigins:0={App}");

        using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri("v1/chat/completions", UriKind.Relative));
        preflight.Headers.Add("Origin", App);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,authorization");
        using HttpResponseMessage allowed = await server.Http.SendAsync(preflight);
        using HttpResponseMessage listed = await server.Http.SendAsync(Get("v1/models", origin: App));
        using HttpResponseMessage other = await server.Http.SendAsync(Get("v1/models", origin: "http://localhost:4000"));

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(App, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(App, listed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task A_configured_API_key_is_required_on_the_API_and_accepted_as_a_bearer_token()
    {
        await using TestServer server = await fixture.StartAsync("Copilot:ApiKey=s3cret");

        using HttpResponseMessage missing = await server.Http.SendAsync(Get("v1/models"));
        using HttpResponseMessage wrong = await server.Http.SendAsync(Get("v1/models", key: "guess"));
        using HttpResponseMessage right = await server.Http.SendAsync(Get("v1/models", key: "s3cret"));
        using HttpResponseMessage page = await server.Http.SendAsync(Get("/"));

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("invalid_api_key", (await Requests.ErrorAsync(missing)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // The official client sends its key the same way.
        OpenAI.Models.OpenAIModelClient models = new(new System.ClientModel.ApiKeyCredential("s3cret"), new OpenAI.OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1") });
        Assert.Equal(RandomModelServer.ModelName, Assert.Single((await models.GetModelsAsync()).Value).Id);
    }

    [Fact]
    public async Task The_page_may_not_be_framed_and_runs_only_its_own_script()
    {
        using HttpResponseMessage page = await fixture.Server.Http.SendAsync(Get("/"));

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}
