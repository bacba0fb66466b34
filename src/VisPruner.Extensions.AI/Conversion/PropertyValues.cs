using System.Globalization;
using System.Text.Json;

namespace VisPruner.Extensions.AI.Conversion;

/// <summary>
/// Reads settings from additional-properties dictionaries, whose values arrive as CLR values when set in code and as
/// <see cref="JsonElement"/> or strings when they come through JSON or configuration.
/// </summary>
internal static class PropertyValues
{
    public static string ToText(object value, string key) => value switch
    {
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString()!,
        Enum or JsonElement => value.ToString()!,
        _ => throw Invalid(key, value, "a string"),
    };

    public static int ToInt32(object value, string key)
    {
        try
        {
            return value switch
            {
                JsonElement { ValueKind: JsonValueKind.Number } element => element.GetInt32(),
                JsonElement { ValueKind: JsonValueKind.String } element => int.Parse(element.GetString()!, CultureInfo.InvariantCulture),
                string text => int.Parse(text, CultureInfo.InvariantCulture),
                IConvertible convertible and not bool => convertible.ToInt32(CultureInfo.InvariantCulture),
                _ => throw Invalid(key, value, "an integer"),
            };
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException)
        {
            throw Invalid(key, value, "an integer", ex);
        }
    }

    public static double ToDouble(object value, string key)
    {
        try
        {
            return value switch
            {
                JsonElement { ValueKind: JsonValueKind.Number } element => element.GetDouble(),
                JsonElement { ValueKind: JsonValueKind.String } element => double.Parse(element.GetString()!, CultureInfo.InvariantCulture),
                string text => double.Parse(text, CultureInfo.InvariantCulture),
                IConvertible convertible and not bool => convertible.ToDouble(CultureInfo.InvariantCulture),
                _ => throw Invalid(key, value, "a number"),
            };
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException)
        {
            throw Invalid(key, value, "a number", ex);
        }
    }

    private static ArgumentException Invalid(string key, object value, string expected, Exception? inner = null) =>
        new($"The additional property '{key}' is '{value}' ({value.GetType().Name}); expected {expected}.", inner);
}
