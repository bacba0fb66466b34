using System.Text.Json;
using VisPruner.Imaging.Processing;

namespace VisPruner.Imaging.Gemma3;

/// <summary>
/// Reads Gemma 3 settings from a model folder's image processor configuration (<c>processor_config.json</c>, named by
/// <c>model.vision.config_filename</c>) in the ONNX Runtime GenAI form: <c>processor.transforms[].operation</c> with a
/// <c>Resize</c> to 896 x 896 whose <c>interpolation</c> (<c>LINEAR</c> or <c>CUBIC</c>, onnxruntime-extensions' default
/// when absent) the processor follows, and <c>Rescale</c> and <c>Normalize</c> steps that, where they state values, must
/// be Gemma 3's (1/255, mean and std 0.5). <c>keep_aspect_ratio</c> is not read: ONNX Runtime GenAI 0.20 resizes to exactly
/// 896 x 896 whatever it says. Settings the processor does not reproduce are refused rather than ignored.
/// </summary>
public static class Gemma3ProcessorConfig
{
    // onnxruntime-extensions' Resize defaults: 256 x 256, bicubic.
    private const int DefaultResizeSide = 256;

    /// <summary>Parses the JSON text of a processor configuration.</summary>
    /// <param name="json">The file's contents.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidDataException">
    /// The JSON is malformed, it has no <c>Resize</c> transform, or a setting has the wrong type or a value the processor
    /// does not support (the message names it).
    /// </exception>
    public static Gemma3ProcessorOptions Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("The processor configuration must contain a JSON object.");
            }

            if (ProcessorJson.FindOperation(root, "Resize") is null)
            {
                throw new InvalidDataException($"It has no Resize transform; Gemma 3's vision model takes {Gemma3ImageProcessor.ImageSize} x {Gemma3ImageProcessor.ImageSize} images.");
            }

            JsonElement? resize = ProcessorJson.FindTransformAttrs(root, "Resize");
            RequireSide(resize, "width");
            RequireSide(resize, "height");
            var options = new Gemma3ProcessorOptions { Interpolation = ReadInterpolation(resize) };

            if (ProcessorJson.FindTransformAttrs(root, "Rescale") is { } rescale && rescale.TryGetProperty("rescale_factor", out JsonElement factor))
            {
                double value = factor.ValueKind == JsonValueKind.Number ? factor.GetDouble() : throw new InvalidDataException("'rescale_factor' must be a number.");
                if (Math.Abs(value - (1.0 / 255)) > 1e-9)
                {
                    throw new InvalidDataException($"Rescale 'rescale_factor' is {value}; Gemma 3 was trained with 1/255.");
                }
            }

            if (ProcessorJson.FindTransformAttrs(root, "Normalize") is { } normalize)
            {
                RequireHalf(normalize, "mean");
                RequireHalf(normalize, "std");
            }

            return options;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The processor configuration is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Reads and parses a processor configuration file.</summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidDataException">The file's content is malformed or unsupported (the message names the file).</exception>
    public static async Task<Gemma3ProcessorOptions> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return Parse(json);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static void RequireSide(JsonElement? resize, string name)
    {
        int side = resize is { } attrs && attrs.TryGetProperty(name, out JsonElement value) ? ProcessorJson.ReadInt(value, name) : DefaultResizeSide;
        if (side != Gemma3ImageProcessor.ImageSize)
        {
            throw new InvalidDataException($"Resize '{name}' is {side}; Gemma 3's vision model takes {Gemma3ImageProcessor.ImageSize}.");
        }
    }

    private static Gemma3Interpolation ReadInterpolation(JsonElement? resize)
    {
        if (resize is not { } attrs || !attrs.TryGetProperty("interpolation", out JsonElement value))
        {
            return Gemma3Interpolation.Bicubic;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() switch
        {
            "LINEAR" => Gemma3Interpolation.Bilinear,
            "CUBIC" => Gemma3Interpolation.Bicubic,
            string other => throw new InvalidDataException($"Resize 'interpolation' is '{other}'; the processor supports LINEAR and CUBIC."),
            null => throw new InvalidDataException("Resize 'interpolation' must be a string."),
        }
        : throw new InvalidDataException("Resize 'interpolation' must be a string.");
    }

    private static void RequireHalf(JsonElement attrs, string name)
    {
        if (attrs.TryGetProperty(name, out JsonElement value) && ProcessorJson.ReadTriple(value, name).Any(v => v != 0.5f))
        {
            throw new InvalidDataException($"Normalize '{name}' must be [0.5, 0.5, 0.5], as Gemma 3 was trained with.");
        }
    }
}
