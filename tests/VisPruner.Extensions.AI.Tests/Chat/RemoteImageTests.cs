using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.AI;

namespace VisPruner.Extensions.AI.Tests.Chat;

[Collection(TinyModelsGroup.Name)]
public sealed class RemoteImageTests(TinyModels models)
{
    [Fact]
    public async Task Remote_images_are_downloaded_when_allowed_and_capped_in_size()
    {
        byte[] image = TestImages.Bmp(240, 180, 5);
        using HttpListener server = StartServer(out string baseUri);
        Task serving = ServeAsync(server, image, requests: 2);
        VisPrunerChatClient shared = await models.RandomClientAsync();
        using var allowed = new VisPrunerChatClient(shared.Engine, new VisPrunerChatClientOptions { AllowRemoteImageUris = true, ModelId = "remote" });
        using var capped = new VisPrunerChatClient(shared.Engine, new VisPrunerChatClientOptions { AllowRemoteImageUris = true, MaxRemoteImageBytes = image.Length - 1 });
        ChatMessage[] question = [new(ChatRole.User, [new UriContent(new Uri(baseUri + "house.bmp"), "image/bmp"), new TextContent("What is this?")])];

        ChatResponse response = await allowed.GetResponseAsync(question, new ChatOptions { MaxOutputTokens = 1 });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => capped.GetResponseAsync(question, new ChatOptions { MaxOutputTokens = 1 }));
        await serving;

        Assert.True(response.Usage!.AdditionalCounts![VisPrunerPropertyNames.VisualTokensBeforePruning] > 0);
        Assert.Contains("MaxRemoteImageBytes", error.Message, StringComparison.Ordinal);
    }

    private static HttpListener StartServer(out string baseUri)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        baseUri = $"http://127.0.0.1:{port}/";
        var server = new HttpListener();
        server.Prefixes.Add(baseUri);
        server.Start();
        return server;
    }

    private static async Task ServeAsync(HttpListener server, byte[] body, int requests)
    {
        for (int i = 0; i < requests; i++)
        {
            HttpListenerContext context = await server.GetContextAsync();
            context.Response.ContentType = "image/bmp";
            context.Response.ContentLength64 = body.Length;
            try
            {
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The capped client may hang up as soon as it reads the length.
            }
        }
    }
}
