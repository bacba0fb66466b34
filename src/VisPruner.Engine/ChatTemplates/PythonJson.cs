using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VisPruner.Engine.ChatTemplates;

/// <summary>
/// Writes JSON the way the Jinja <c>tojson</c> filter of Hugging Face chat templates does (Python's
/// <c>json.dumps</c>: ", " and ": " separators, non-ASCII kept), so rendered tool schemas and calls match
/// the text models saw in training.
/// </summary>
internal static class PythonJson
{
    /// <summary>Re-serializes <paramref name="json"/>.</summary>
    /// <exception cref="ArgumentException">The text is not valid JSON.</exception>
    public static string Format(string json, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var builder = new StringBuilder();
            Write(document.RootElement, builder);
            return builder.ToString();
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The {what} is not valid JSON: {e.Message}", nameof(json), e);
        }
    }

    public static void Write(JsonElement element, StringBuilder builder)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var firstProperty = true;
                foreach (var property in element.EnumerateObject())
                {
                    builder.Append(firstProperty ? "" : ", ");
                    firstProperty = false;
                    WriteString(property.Name, builder);
                    builder.Append(": ");
                    Write(property.Value, builder);
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    builder.Append(firstItem ? "" : ", ");
                    firstItem = false;
                    Write(item, builder);
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, builder);
                break;
            default:
                builder.Append(element.GetRawText());
                break;
        }
    }

    public static void WriteString(string value, StringBuilder builder)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }

        builder.Append('"');
    }
}
