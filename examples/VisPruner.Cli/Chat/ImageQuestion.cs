using Microsoft.Extensions.AI;

namespace VisPruner.Cli.Chat;

/// <summary>One question about image files, as chat messages for an <see cref="IChatClient"/>.</summary>
/// <param name="ImagePaths">The image files.</param>
/// <param name="Question">The question.</param>
/// <param name="SystemMessage">An optional system message.</param>
/// <param name="Options">The request's options, pruning included.</param>
internal sealed record ImageQuestion(IReadOnlyList<string> ImagePaths, string Question, string? SystemMessage, ChatOptions Options)
{
    /// <summary>Gets the folders the images are in: the only ones the client may read files from.</summary>
    public IEnumerable<string> ImageFolders => ImagePaths.Select(p => Path.GetDirectoryName(Path.GetFullPath(p))!).Distinct();

    /// <summary>Gets the messages: the system message if any, then the images and the question in one user message.</summary>
    public IReadOnlyList<ChatMessage> Messages
    {
        get
        {
            var user = new ChatMessage(ChatRole.User, [.. ImagePaths.Select(ImageFile), new TextContent(Question)]);
            return SystemMessage is null ? [user] : [new ChatMessage(ChatRole.System, SystemMessage), user];
        }
    }

    /// <summary>An image file as a <c>file:</c> URI, which the client reads when the request runs.</summary>
    public static UriContent ImageFile(string path) => new(
        new Uri(Path.GetFullPath(path)),
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".bmp" => "image/bmp",
            _ => "image/*",
        });
}
