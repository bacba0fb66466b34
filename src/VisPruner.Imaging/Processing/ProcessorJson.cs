using System.Text.Json;

namespace VisPruner.Imaging.Processing;

/// <summary>Reading ONNX Runtime GenAI processor configurations (<c>processor.transforms[].operation</c>).</summary>
internal static class ProcessorJson
{
    /// <summary>The <c>attrs</c> of the first transform whose operation type is <paramref name="type"/>, if any.</summary>
    public static JsonElement? FindTransformAttrs(JsonElement root, string type) =>
        FindOperation(root, type) is { } op && op.TryGetProperty("attrs", out JsonElement attrs) && attrs.ValueKind == JsonValueKind.Object ? attrs : null;

    /// <summary>The <c>operation</c> of the first transform whose type is <paramref name="type"/>, if any.</summary>
    public static JsonElement? FindOperation(JsonElement root, string type)
    {
        if (!root.TryGetProperty("processor", out JsonElement processor) || processor.ValueKind != JsonValueKind.Object
            || !processor.TryGetProperty("transforms", out JsonElement transforms) || transforms.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (JsonElement transform in transforms.EnumerateArray())
        {
            if (transform.ValueKind == JsonValueKind.Object
                && transform.TryGetProperty("operation", out JsonElement op) && op.ValueKind == JsonValueKind.Object
                && op.TryGetProperty("type", out JsonElement opType) && opType.ValueKind == JsonValueKind.String
                && opType.GetString() == type)
            {
                return op;
            }
        }

        return null;
    }

    public static int ReadInt(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : throw new InvalidDataException($"'{name}' must be an integer.");

    public static float[] ReadTriple(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != 3 || e.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number))
        {
            throw new InvalidDataException($"'{name}' must be an array of three numbers.");
        }

        return e.EnumerateArray().Select(x => x.GetSingle()).ToArray();
    }
}
