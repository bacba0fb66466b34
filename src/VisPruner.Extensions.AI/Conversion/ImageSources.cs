using System.Net.Http.Headers;
using Microsoft.Extensions.AI;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI.Conversion;

/// <summary>Turns image content (<see cref="DataContent"/>, <see cref="UriContent"/>) into engine image inputs.</summary>
internal static class ImageSources
{
    // Shared so sockets are pooled; used only when remote images are allowed.
    private static readonly Lazy<HttpClient> Http = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(60) });

    public static bool IsImage(AIContent content) => content switch
    {
        DataContent data => data.HasTopLevelMediaType("image"),
        UriContent uri => uri.HasTopLevelMediaType("image"),
        _ => false,
    };

    public static async ValueTask<ImageInput> ReadAsync(AIContent content, VisPrunerChatClientOptions settings, CancellationToken cancellationToken)
    {
        switch (content)
        {
            case DataContent data:
                return data.Data.IsEmpty
                    ? throw new ArgumentException($"An image DataContent ({data.MediaType}) has no bytes.", nameof(content))
                    : ImageInput.FromBytes(data.Data);
            case UriContent { Uri: { IsAbsoluteUri: true, Scheme: "file" } uri }:
                return AllowedImageFiles.Input(uri, settings.AllowedImageFolders);
            case UriContent { Uri: { IsAbsoluteUri: true } uri } when uri.Scheme is "http" or "https":
                if (!settings.AllowRemoteImageUris)
                {
                    throw new NotSupportedException(
                        $"The image URI '{uri}' is remote; only file: URIs and DataContent are read unless VisPrunerChatClientOptions.AllowRemoteImageUris is set.");
                }

                return ImageInput.FromBytes(await DownloadAsync(uri, settings.MaxRemoteImageBytes, cancellationToken).ConfigureAwait(false));
            case UriContent uri:
                throw new NotSupportedException($"The image URI '{uri.Uri}' has an unsupported scheme; use file:, or http(s) with AllowRemoteImageUris.");
            default:
                throw new NotSupportedException($"{content.GetType().Name} is not an image source.");
        }
    }

    private static async Task<byte[]> DownloadAsync(Uri uri, long maxBytes, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await Http.Value.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        HttpContentHeaders headers = response.Content.Headers;
        if (headers.ContentLength > maxBytes)
        {
            throw new InvalidOperationException($"The image at '{uri}' has {headers.ContentLength} bytes, more than MaxRemoteImageBytes ({maxBytes}).");
        }

        using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InvalidOperationException($"The image at '{uri}' is larger than MaxRemoteImageBytes ({maxBytes}).");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
