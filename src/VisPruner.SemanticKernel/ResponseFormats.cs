using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;
using VisPruner.Extensions.AI;

namespace VisPruner.SemanticKernel;

/// <summary>
/// Reads <see cref="VisPrunerPromptExecutionSettings.ResponseFormat"/> in every form Semantic Kernel's OpenAI settings
/// accept it, so structured output written for them works here unchanged.
/// </summary>
internal static class ResponseFormats
{
    private const string Setting = $"{nameof(VisPrunerPromptExecutionSettings)}.{nameof(VisPrunerPromptExecutionSettings.ResponseFormat)}";

    /// <summary>The format <paramref name="value"/> asks for; null for none.</summary>
    /// <exception cref="ArgumentException">The value is of an unsupported type or malformed (the message names the setting).</exception>
    public static ChatResponseFormat? From(object? value) => value switch
    {
        null => null,
        ChatResponseFormat format => format,
        // As Semantic Kernel's OpenAI connector reads a type: its JSON schema, property names as the serializer writes them
        // by default, so JsonSerializer.Deserialize<T>(reply) reads the reply back.
        Type type => ChatResponseFormat.ForJsonSchema(type, JsonSerializerOptions.Default, type.Name),
        string text => FromString(text),
        JsonElement element => FromJson(element),
        JsonNode node => FromJson(JsonSerializer.SerializeToElement(node)),
        _ => throw new ArgumentException(
            $"{Setting} is a {value.GetType().Name}; use \"text\", \"json_object\", a Type, a JSON schema (JsonElement, JsonNode or string) or a ChatResponseFormat.", nameof(value)),
    };

    /// <summary>The JSON that stands for <paramref name="value"/> in a prompt configuration: a string, or a schema.</summary>
    public static JsonElement? ToJson(object? value) => From(value) switch
    {
        null => null,
        ChatResponseFormatText => JsonSerializer.SerializeToElement("text"),
        ChatResponseFormatJson { Schema: null } => JsonSerializer.SerializeToElement("json_object"),
        ChatResponseFormatJson json => json.Schema,
        _ => null,
    };

    private static ChatResponseFormat? FromString(string text)
    {
        switch (text.Trim())
        {
            case "text":
                return ChatResponseFormat.Text;
            case "json_object":
                return ChatResponseFormat.Json;
            case ['{', ..]:
                try
                {
                    using var document = JsonDocument.Parse(text);
                    return FromJson(document.RootElement.Clone());
                }
                catch (JsonException ex)
                {
                    throw new ArgumentException($"{Setting} is not valid JSON: {ex.Message}", nameof(text), ex);
                }

            default:
                throw new ArgumentException($"{Setting} is '{text}'; use \"text\", \"json_object\" or a JSON schema.", nameof(text));
        }
    }

    // A schema, or OpenAI's wrapper {"type": "json_schema", "json_schema": {"name", "schema"}} / {"type": "json_object"}.
    private static ChatResponseFormat? FromJson(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return FromString(element.GetString()!);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"{Setting} must be a JSON object (a schema) or a string; found {element.ValueKind}.", nameof(element));
        }

        string? kind = element.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
        switch (kind)
        {
            case "text":
                return ChatResponseFormat.Text;
            case "json_object":
                return ChatResponseFormat.Json;
            case "json_schema" when element.TryGetProperty("json_schema", out JsonElement wrapper):
                if (!wrapper.TryGetProperty("schema", out JsonElement schema))
                {
                    throw new ArgumentException($"{Setting}'s json_schema has no schema.", nameof(element));
                }

                string? name = wrapper.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                string? description = wrapper.TryGetProperty("description", out JsonElement d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                return ChatResponseFormat.ForJsonSchema(schema.Clone(), name, description);
            default:
                return ChatResponseFormat.ForJsonSchema(element.Clone());
        }
    }

    /// <summary>Reads and writes the setting in prompt configurations: a string or a JSON object.</summary>
    internal sealed class Converter : JsonConverter<object?>
    {
        public override bool HandleNull => true;

        public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => reader.GetString(),
            _ => JsonElement.ParseValue(ref reader),
        };

        public override void Write(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
        {
            if (ToJson(value) is { } json)
            {
                json.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    /// <summary>
    /// Writes a <see cref="Type"/> as its JSON schema, so other connectors' settings holding a type as their response
    /// format (Semantic Kernel's idiom) convert to these settings instead of failing in the serializer.
    /// </summary>
    internal sealed class TypeAsSchemaConverter : JsonConverter<Type>
    {
        public override bool CanConvert(Type typeToConvert) => typeof(Type).IsAssignableFrom(typeToConvert);

        public override Type Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("A type is not read from JSON.");

        public override void Write(Utf8JsonWriter writer, Type value, JsonSerializerOptions options) =>
            ToJson(value)!.Value.WriteTo(writer);
    }
}
