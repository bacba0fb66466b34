using System.Text.Json;
using VisPruner.Imaging.Processing;

namespace VisPruner.Imaging.Phi3Vision;

/// <summary>
/// Reads Phi-3(.5)-vision settings from a model folder's <c>processor_config.json</c>, in either the ORT GenAI form
/// (<c>processor.transforms[].operation</c> of type <c>Phi3ImageTransform</c> with <c>attrs.num_crops</c>) or the
/// Hugging Face form (top-level <c>num_crops</c>, <c>image_mean</c>, <c>image_std</c>).
/// </summary>
public static class ProcessorConfig
{
    /// <summary>Parses the JSON text of a processor configuration.</summary>
    /// <param name="json">Contents of <c>processor_config.json</c>.</param>
    /// <param name="defaults">Values for settings the file does not state; library defaults when null.</param>
    /// <exception cref="InvalidDataException">The JSON is malformed or a setting has the wrong type or range.</exception>
    public static Phi3VisionProcessorOptions ParsePhi3Vision(string json, Phi3VisionProcessorOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        defaults ??= new Phi3VisionProcessorOptions();
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("processor_config.json must contain a JSON object.");
            }

            int numCrops = defaults.NumCrops;
            IReadOnlyList<float> mean = defaults.ImageMean, std = defaults.ImageStd;
            if (ProcessorJson.FindTransformAttrs(root, "Phi3ImageTransform") is { } attrs && attrs.TryGetProperty("num_crops", out JsonElement transformCrops))
            {
                numCrops = ProcessorJson.ReadInt(transformCrops, "num_crops");
            }

            if (root.TryGetProperty("num_crops", out JsonElement crops))
            {
                numCrops = ProcessorJson.ReadInt(crops, "num_crops");
            }

            if (root.TryGetProperty("image_mean", out JsonElement m))
            {
                mean = ProcessorJson.ReadTriple(m, "image_mean");
            }

            if (root.TryGetProperty("image_std", out JsonElement s))
            {
                std = ProcessorJson.ReadTriple(s, "image_std");
            }

            var options = new Phi3VisionProcessorOptions { NumCrops = numCrops, ImageMean = mean, ImageStd = std };
            options.Validate();
            return options;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"processor_config.json is not valid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"processor_config.json has an invalid setting: {e.Message}", e);
        }
    }

    /// <summary>Reads and parses a <c>processor_config.json</c> file.</summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidDataException">The file's content is malformed (the message names the file).</exception>
    public static async Task<Phi3VisionProcessorOptions> LoadPhi3VisionAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return ParsePhi3Vision(json);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
