using System.Text.Json;

namespace VisPruner.Engine.ModelFolders;

/// <summary>Typed reads of JSON fields that report the file and dotted field path when something is missing or wrong.</summary>
internal readonly struct JsonFields(JsonElement element, string file, string path)
{
    public JsonElement Element => element;

    public JsonFields Object(string name) =>
        OptionalObject(name) ?? throw Missing(name);

    public JsonFields? OptionalObject(string name)
    {
        if (!element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object
            ? new JsonFields(value, file, Combine(name))
            : throw Wrong(name, "must be an object");
    }

    public string String(string name) => OptionalString(name) ?? throw Missing(name);

    public string? OptionalString(string name) =>
        !element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Wrong(name, "must be a string");

    public int Int(string name) => OptionalInt(name) ?? throw Missing(name);

    public int? OptionalInt(string name) =>
        !element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) ? number
        : throw Wrong(name, "must be an integer");

    public int PositiveInt(string name)
    {
        int value = Int(name);
        return value > 0 ? value : throw Wrong(name, $"must be positive; it is {value}");
    }

    public double? OptionalDouble(string name) =>
        !element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number ? value.GetDouble()
        : throw Wrong(name, "must be a number");

    public bool? OptionalBool(string name) =>
        !element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw Wrong(name, "must be true or false");

    /// <summary>Reads an integer or a list of integers (as <c>eos_token_id</c> may be either).</summary>
    public IReadOnlyList<int> IntOrList(string name)
    {
        if (!element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            throw Missing(name);
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int single))
        {
            return [single];
        }

        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
            && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _)))
        {
            return [.. value.EnumerateArray().Select(e => e.GetInt32())];
        }

        throw Wrong(name, "must be an integer or a non-empty list of integers");
    }

    public ModelFolderException Missing(string name) => new(file, Combine(name), "is missing.");

    public ModelFolderException Wrong(string name, string problem) => new(file, Combine(name), problem + ".");

    private string Combine(string name) => path.Length == 0 ? name : path + "." + name;
}
