using Microsoft.Extensions.AI;

namespace VisPruner.SemanticKernel.Tests.Chat;

[Collection(TinyModelsGroup.Name)]
public sealed class ImageInputTests(TinyModels models)
{
    private static readonly ChatOptions OneToken = new() { MaxOutputTokens = 1 };

    [Fact]
    public async Task A_file_uri_and_the_same_bytes_as_DataContent_are_the_same_image()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        byte[] image = TestImages.Bmp(500, 400, variant: 7);
        string path = Path.Combine(models.NewFolder(), "photo.bmp");
        await File.WriteAllBytesAsync(path, image);

        ChatResponse fromFile = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new UriContent(new Uri(path), "image/bmp"), new TextContent("What is this?")])], OneToken);
        ChatResponse fromBytes = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new DataContent(image, "image/bmp"), new TextContent("What is this?")])], OneToken);

        // The second request finds the first one's vision features: same bytes, same image.
        Assert.Equal(0, fromFile.Usage!.AdditionalCounts![VisPrunerPropertyNames.CachedImages]);
        Assert.Equal(1, fromBytes.Usage!.AdditionalCounts![VisPrunerPropertyNames.CachedImages]);
        Assert.Equal(fromFile.Usage.InputTokenCount, fromBytes.Usage.InputTokenCount);
        Assert.True(fromFile.Usage.AdditionalCounts[VisPrunerPropertyNames.VisualTokensBeforePruning] > 0);
    }

    [Fact]
    public async Task Two_images_in_one_message_both_reach_the_model()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        var one = new ChatMessage(ChatRole.User, [new DataContent(TestImages.Bmp(300, 300, 1), "image/bmp"), new TextContent("Compare.")]);
        var two = new ChatMessage(ChatRole.User,
            [new DataContent(TestImages.Bmp(300, 300, 1), "image/bmp"), new DataContent(TestImages.Bmp(300, 300, 2), "image/bmp"), new TextContent("Compare.")]);

        ChatResponse single = await client.GetResponseAsync([one], OneToken);
        ChatResponse both = await client.GetResponseAsync([two], OneToken);

        long singleTokens = single.Usage!.AdditionalCounts![VisPrunerPropertyNames.VisualTokensBeforePruning];
        Assert.Equal(2 * singleTokens, both.Usage!.AdditionalCounts![VisPrunerPropertyNames.VisualTokensBeforePruning]);
    }

    [Theory]
    [InlineData("http://example.com/cat.png")]
    [InlineData("https://example.com/cat.png")]
    public async Task Remote_image_uris_are_refused_unless_allowed(string uri)
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        ChatMessage message = new(ChatRole.User, [new UriContent(new Uri(uri), "image/png"), new TextContent("What is this?")]);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync([message], OneToken));

        Assert.Contains(uri, error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(VisPrunerChatOptions.AllowRemoteImageUris), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_image_file_is_reported_with_its_path()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        string path = Path.Combine(models.NewFolder(), "missing.png");
        ChatMessage message = new(ChatRole.User, [new UriContent(new Uri(path), "image/png")]);

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => client.GetResponseAsync([message], OneToken));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<AIContent, string> UnsupportedContents => new()
    {
        { new DataContent(new byte[] { 1, 2, 3 }, "audio/wav"), "DataContent (audio/wav)" },
        { new UriContent(new Uri("https://example.com/a.mp4"), "video/mp4"), "UriContent (video/mp4)" },
        { new CustomContent(), nameof(CustomContent) },
        { new FunctionCallContent("call_1", "lookup"), nameof(FunctionCallContent) },
    };

    [Theory]
    [MemberData(nameof(UnsupportedContents))]
    public async Task Unsupported_content_in_a_user_message_names_its_type(AIContent content, string expected)
    {
        VisPrunerChatClient client = await models.RandomClientAsync();

        var error = await Assert.ThrowsAsync<NotSupportedException>(
            () => client.GetResponseAsync([new ChatMessage(ChatRole.User, [new TextContent("Look."), content])], OneToken));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Images_outside_user_messages_are_refused()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();
        List<ChatMessage> messages =
        [
            new(ChatRole.System, [new DataContent(TestImages.Bmp(64, 64), "image/bmp")]),
            new(ChatRole.User, "Hi"),
        ];

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(messages, OneToken));

        Assert.Contains("DataContent (image/bmp)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_role_is_refused_by_name()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();

        var error = await Assert.ThrowsAsync<NotSupportedException>(
            () => client.GetResponseAsync([new ChatMessage(new ChatRole("narrator"), "Once upon a time")], OneToken));

        Assert.Contains("narrator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conversation_id_is_refused_because_the_client_is_stateless()
    {
        VisPrunerChatClient client = await models.RandomClientAsync();

        var error = await Assert.ThrowsAsync<NotSupportedException>(
            () => client.GetResponseAsync("Hi", new ChatOptions { ConversationId = "conv_1" }));

        Assert.Contains("ConversationId", error.Message, StringComparison.Ordinal);
    }

    public sealed class CustomContent : AIContent;
}
