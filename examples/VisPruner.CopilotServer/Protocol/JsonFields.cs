using System.Text.Json;

namespace VisPruner.CopilotServer.Protocol;

/// <summary>Reads typed values from a request's JSON; a value of the wrong kind is a 400 that names its path.</summary>
internal static class JsonFields
{
    /// <summary>The property, or null when it is absent or JSON null (OpenAI clients send null for unset fields).</summary>
    public static JsonElement? Optional(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static JsonElement Required(JsonElement parent, string name, string path) =>
        Optional(parent, name) ?? throw RequestError.Invalid(path, $"'{path}' is required.");

    public static JsonElement Object(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Object ? value : throw Invalid(path, "an object");

    public static JsonElement Array(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Array ? value : throw Invalid(path, "an array");

    public static string String(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(path, "a string");

    public static bool Bool(JsonElement value, string path) =>
        value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Invalid(path, "true or false");

    public static long Integer(JsonElement value, string path, long min, long max = long.MaxValue)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
        {
            throw Invalid(path, "a whole number");
        }

        return number >= min && number <= max
            ? number
            : throw RequestError.Invalid(path, max == long.MaxValue ? $"'{path}' is {number}; it must be at least {min}." : $"'{path}' is {number}; it must be in [{min}, {max}].");
    }

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>], or above <paramref name="min"/> when <paramref name="minExclusive"/>.</summary>
    public static double Number(JsonElement value, string path, double min, double max, bool minExclusive = false)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Invalid(path, "a number");
        }

        double number = value.GetDouble();
        bool inRange = (minExclusive ? number > min : number >= min) && number <= max;
        return inRange ? number : throw RequestError.Invalid(path, $"'{path}' is {value.GetRawText()}; it must be in {(minExclusive ? "(" : "[")}{min}, {max}].");
    }

    private static RequestError Invalid(string path, string kind) => RequestError.Invalid(path, $"'{path}' must be {kind}.");
}
