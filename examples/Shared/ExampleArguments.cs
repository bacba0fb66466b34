namespace VisPruner.Examples;

/// <summary>The examples' command line: <c>[--model &lt;folder&gt;] [--image &lt;file&gt;]</c>.</summary>
internal sealed record ExampleArguments(string? ModelFolder, string ImagePath, string ImageMediaType)
{
    public const string Question = "What kind of building is this, and what should a buyer know about it?";

    public const string Instructions = "You are a helpful assistant for an estate agent. Use the tools to look up facts about what you see.";

    public static ExampleArguments Parse(string[] args)
    {
        string imagePath = Value(args, "--image") ?? FindSampleImage();
        string mediaType = Path.GetExtension(imagePath).ToUpperInvariant() switch
        {
            ".PNG" => "image/png",
            ".JPG" or ".JPEG" => "image/jpeg",
            ".BMP" => "image/bmp",
            ".WEBP" => "image/webp",
            ".GIF" => "image/gif",
            ".ICO" => "image/x-icon",
            _ => throw new ArgumentException($"Unsupported image type: {imagePath} (use PNG, JPEG, BMP, WebP, GIF or ICO).", nameof(args)),
        };
        return new ExampleArguments(Value(args, "--model"), imagePath, mediaType);
    }

    private static string? Value(string[] args, string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static string FindSampleImage()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "examples", "images", "house.png");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("No sample image found; pass --image <file>.");
    }
}
