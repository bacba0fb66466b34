using Microsoft.Extensions.AI;

namespace VisPruner.Extensions.AI.Conversion;

/// <summary>An image's requested detail, from its <c>detail</c> property; ordered so the most detailed wins.</summary>
internal enum ImageDetail
{
    Low,
    Auto,
    High,
}

/// <summary>Reads the <c>detail</c> property of image content.</summary>
internal static class ImageDetails
{
    public static ImageDetail Of(AIContent content)
    {
        if (content.AdditionalProperties is not { } properties || !properties.TryGetValue(VisPrunerPropertyNames.Detail, out object? value) || value is null)
        {
            return ImageDetail.Auto;
        }

        string text = PropertyValues.ToText(value, VisPrunerPropertyNames.Detail);
        return text.ToUpperInvariant() switch
        {
            "LOW" => ImageDetail.Low,
            "HIGH" => ImageDetail.High,
            "AUTO" => ImageDetail.Auto,
            _ => throw new ArgumentException($"The image property '{VisPrunerPropertyNames.Detail}' is '{text}'; use low, high or auto.", nameof(content)),
        };
    }
}
