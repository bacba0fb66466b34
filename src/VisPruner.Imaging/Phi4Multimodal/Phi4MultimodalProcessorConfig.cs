using System.Text.Json;
using VisPruner.Imaging.Processing;

namespace VisPruner.Imaging.Phi4Multimodal;

/// <summary>
/// Reads Phi-4-multimodal settings from a model folder's image processor configuration (<c>vision_processor.json</c> as
/// published), in either the ONNX Runtime GenAI form (<c>processor.transforms[].operation</c> of type
/// <c>Phi4VisionDynamicPreprocess</c> with <c>attrs.dynamic_hd</c> and <c>attrs.dyhd_base_resolution</c>) or the Hugging
/// Face form (top-level <c>dynamic_hd</c>). Settings the processor does not reproduce (another base resolution, or a
/// normalisation other than mean and std 0.5) are refused rather than ignored.
/// </summary>
public static class Phi4MultimodalProcessorConfig
{
    /// <summary>Parses the JSON text of a processor configuration.</summary>
    /// <param name="json">The file's contents.</param>
    /// <returns>The settings; the published ones where the file states none.</returns>
    /// <exception cref="InvalidDataException">The JSON is malformed, or a setting has the wrong type or a value the processor does not support.</exception>
    public static Phi4MultimodalProcessorOptions Parse(string json)
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

            int dynamicHd = new Phi4MultimodalProcessorOptions().DynamicHd;
            if (ProcessorJson.FindTransformAttrs(root, "Phi4VisionDynamicPreprocess") is { } attrs)
            {
                dynamicHd = attrs.TryGetProperty("dynamic_hd", out JsonElement hd) ? ProcessorJson.ReadInt(hd, "dynamic_hd") : dynamicHd;
                RequireBaseResolution(attrs);
            }

            if (ProcessorJson.FindTransformAttrs(root, "Phi4VisionProcessor") is { } processor)
            {
                RequireBaseResolution(processor);
            }

            if (ProcessorJson.FindTransformAttrs(root, "Normalize") is { } normalize)
            {
                RequireHalf(normalize, "mean");
                RequireHalf(normalize, "std");
            }

            if (root.TryGetProperty("dynamic_hd", out JsonElement topLevel))
            {
                dynamicHd = ProcessorJson.ReadInt(topLevel, "dynamic_hd");
            }

            var options = new Phi4MultimodalProcessorOptions { DynamicHd = dynamicHd };
            options.Validate();
            return options;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The processor configuration is not valid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The processor configuration has an invalid setting: {e.Message}", e);
        }
    }

    /// <summary>Reads and parses a processor configuration file.</summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidDataException">The file's content is malformed (the message names the file).</exception>
    public static async Task<Phi4MultimodalProcessorOptions> LoadAsync(string path, CancellationToken cancellationToken = default)
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

    private static void RequireBaseResolution(JsonElement attrs)
    {
        if (attrs.TryGetProperty("dyhd_base_resolution", out JsonElement value)
            && ProcessorJson.ReadInt(value, "dyhd_base_resolution") is var resolution && resolution != Phi4MultimodalImageLayout.CropSize)
        {
            throw new InvalidDataException($"'dyhd_base_resolution' is {resolution}; the processor supports {Phi4MultimodalImageLayout.CropSize}.");
        }
    }

    private static void RequireHalf(JsonElement attrs, string name)
    {
        if (attrs.TryGetProperty(name, out JsonElement value) && ProcessorJson.ReadTriple(value, name).Any(v => v != 0.5f))
        {
            throw new InvalidDataException($"Normalize '{name}' must be [0.5, 0.5, 0.5], as Phi-4-multimodal was trained with.");
        }
    }
}
