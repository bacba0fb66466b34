using Microsoft.Extensions.AI;

namespace VisPruner.Extensions.AI.Tests.Chat;

[Collection(TinyModelsGroup.Name)]
public sealed class ImageInputTests(TinyModels models)
{
    private static readonly ChatOptions OneToken = new() { MaxOutputTokens = 1 };

    [Fact]
    public async Task A_file_uri_and_the_same_bytes_as_DataContent_are_the_same_image()
    {
        string folder = models.NewFolder();
        VisPrunerChatClient client = FilesFrom(await models.RandomClientAsync(), folder);
        byte[] image = TestImages.Bmp(500, 400, variant: 7);
        string path = Path.Combine(folder, "photo.bmp");
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
        Assert.Contains(nameof(VisPrunerChatClientOptions.AllowRemoteImageUris), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_uris_are_refused_unless_their_folder_is_allowed()
    {
        string folder = models.NewFolder();
        string path = Path.Combine(folder, "photo.bmp");
        await File.WriteAllBytesAsync(path, TestImages.Bmp(64, 64));
        ChatMessage message = new(ChatRole.User, [new UriContent(new Uri(path), "image/bmp"), new TextContent("What?")]);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => models.RandomClientAsync().Result.GetResponseAsync([message], OneToken));
        ChatResponse allowed = await FilesFrom(await models.RandomClientAsync(), folder).GetResponseAsync([message], OneToken);
        Assert.True(allowed.Usage!.AdditionalCounts![VisPrunerPropertyNames.VisualTokensBeforePruning] > 0);
    }

    [Fact]
    public async Task A_missing_file_a_refused_file_a_device_and_links_out_of_the_folder_give_the_same_error()
    {
        string folder = models.NewFolder(), outside = models.NewFolder();
        string secret = Path.Combine(outside, "secret.png"), notes = Path.Combine(outside, "notes.txt");
        await File.WriteAllBytesAsync(secret, TestImages.Bmp(64, 64));
        await File.WriteAllTextAsync(notes, "not an image");
        string link = Path.Combine(folder, "link.png");
        File.CreateSymbolicLink(link, secret);
        string linkedFolder = Path.Combine(folder, "linked");
        Directory.CreateSymbolicLink(linkedFolder, outside);
        VisPrunerChatClient client = FilesFrom(await models.RandomClientAsync(), folder, "/dev");
        string[] paths =
        [
            Path.Combine(folder, "missing.png"), secret, link, Path.Combine(linkedFolder, "secret.png"), Path.Combine(linkedFolder, "notes.txt"),
            .. OperatingSystem.IsLinux() ? new[] { "/dev/zero" } : [],
        ];

        var messages = new List<string>();
        foreach (string path in paths)
        {
            var uri = new Uri(path);
            ChatMessage message = new(ChatRole.User, [new UriContent(uri, "image/png"), new TextContent("What?")]);
            var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => client.GetResponseAsync([message], OneToken));
            messages.Add(error.Message.Replace(uri.ToString(), "<uri>", StringComparison.Ordinal));
        }

        Assert.Single(messages.Distinct());
    }

    private static VisPrunerChatClient FilesFrom(VisPrunerChatClient shared, params string[] folders)
    {
        var options = new VisPrunerChatClientOptions();
        foreach (string folder in folders)
        {
            options.AllowedImageFolders.Add(folder);
        }

        return new VisPrunerChatClient(shared.Engine, options);
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
