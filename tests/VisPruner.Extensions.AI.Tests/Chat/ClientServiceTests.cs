using Microsoft.Extensions.AI;
using VisPruner.Engine;

namespace VisPruner.Extensions.AI.Tests.Chat;

[Collection(TinyModelsGroup.Name)]
public sealed class ClientServiceTests(TinyModels models)
{
    [Fact]
    public async Task GetService_returns_metadata_the_client_and_the_engine()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();

        ChatClientMetadata metadata = client.GetService<ChatClientMetadata>()!;

        Assert.Equal("vispruner", metadata.ProviderName);
        Assert.Equal("random", metadata.DefaultModelId);
        Assert.True(metadata.ProviderUri!.IsFile);
        Assert.Equal(Path.GetFullPath(models.RandomFolder), Path.TrimEndingDirectorySeparator(metadata.ProviderUri.LocalPath));
        Assert.Same(client, client.GetService<IChatClient>());
        Assert.Same(client, client.GetService<VisPrunerChatClient>());
        Assert.Same(client.Engine, client.GetService<MultimodalEngine>());
        Assert.Null(client.GetService<ChatClientMetadata>("some key"));
        Assert.Null(client.GetService<string>());
    }

    [Fact]
    public async Task LoadAsync_names_a_missing_model_folder()
    {
        string missing = Path.Combine(models.NewFolder(), "nowhere");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => VisPrunerChatClient.LoadAsync(new VisPrunerChatClientOptions { ModelFolder = missing }));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(VisPrunerChatClientOptions.ModelFolder), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disposed_client_that_loaded_its_engine_refuses_requests_and_releases_the_engine()
    {
        VisPrunerChatClient client = await VisPrunerChatClient.LoadAsync(new VisPrunerChatClientOptions { ModelFolder = models.RandomFolder });
        MultimodalEngine engine = client.Engine;

        client.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync("Hi"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.CompleteAsync(new Engine.Generation.GenerationRequest([new Engine.ChatTemplates.ChatTurn(Engine.ChatTemplates.TurnRole.User, "Hi")])));
    }

    [Fact]
    public async Task A_client_over_a_shared_engine_leaves_it_running_when_disposed()
    {
        VisPrunerChatClient shared = await models.RandomClientAsync();
        var wrapper = new VisPrunerChatClient(shared.Engine, new VisPrunerChatClientOptions { ModelId = "wrapper" });

        wrapper.Dispose();
        ChatResponse response = await shared.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 1 });

        Assert.NotNull(response.Usage);
    }

    [Fact]
    public async Task Cancelling_mid_stream_throws_and_the_client_keeps_working()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        var options = new ChatOptions { MaxOutputTokens = 400, RawRepresentationFactory = _ => new Engine.Generation.GenerationOptions { MinNewTokens = 400 } };
        using var cancellation = new CancellationTokenSource();
        int received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync("Describe the image in detail.", options, cancellation.Token))
            {
                if (++received == 2)
                {
                    await cancellation.CancelAsync();
                }
            }
        });

        Assert.True(received < 50, $"{received} updates arrived after cancellation");
        ChatResponse next = await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 2 });
        Assert.NotNull(next.Usage);
    }

    [Fact]
    public async Task A_request_cancelled_before_it_starts_throws()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("Hi", cancellationToken: new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Concurrent_requests_each_get_the_answer_they_get_alone()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        string[] questions = ["What is in this picture?", "Describe the image.", "How many people are there?", "What colour is the sky?"];
        var options = new ChatOptions { MaxOutputTokens = 8 };
        var alone = new List<string>();
        foreach (string question in questions)
        {
            alone.Add((await client.GetResponseAsync(question, options)).Text);
        }

        ChatResponse[] together = await Task.WhenAll(questions.Select(q => Task.Run(() => client.GetResponseAsync(q, options))));

        Assert.Equal(alone, together.Select(r => r.Text));
        Assert.Equal(questions.Length, together.Select(r => r.ResponseId).Distinct().Count());
    }
}
