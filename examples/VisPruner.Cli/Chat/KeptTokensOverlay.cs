using Microsoft.Extensions.AI;
using VisPruner.Engine.Pruning;
using VisPruner.Extensions.AI;
using VisPruner.Imaging;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.Imaging.Png;

namespace VisPruner.Cli.Chat;

/// <summary>The <c>--explain</c> picture: an image with the visual tokens a request keeps highlighted.</summary>
internal static class KeptTokensOverlay
{
    /// <summary>
    /// Draws <paramref name="imagePath"/> with the tokens a request with <paramref name="options"/> keeps, chosen by the
    /// client exactly as for the request; the request cached the image's features, so this is quick.
    /// </summary>
    public static async Task WriteAsync(VisPrunerChatClient client, string imagePath, ChatOptions options, string output, CancellationToken cancellationToken)
    {
        VisualTokenSelection selection = await client.SelectVisualTokensAsync(ImageQuestion.ImageFile(imagePath), options, cancellationToken);
        RgbImage image = await ImageDecoder.DecodeFileAsync(imagePath, cancellationToken: cancellationToken);
        RgbImage overlay = Phi3VisionTokenOverlay.Render(image, selection.Layout, selection.KeptRows.ToHashSet());
        await PngEncoder.SaveAsync(overlay, output, cancellationToken);
        Console.Error.WriteLine($"kept tokens drawn to {output} ({selection.KeptRows.Count} of {selection.Layout.NumImageTokens} rows)");
    }
}
