using System.Text.Json.Nodes;

namespace VisPruner.SemanticKernel.IntegrationTests.StructuredOutput;

/// <summary>
/// Seeded random JSON schemas of the kinds tools and structured outputs use: strings (plain, bounded, enums with quotes and
/// non-ASCII, formats, patterns), integers and numbers (with and without ranges and steps), booleans, nullable types,
/// arrays, nested objects with optional fields, dictionaries, unions, free values and recursive definitions.
/// </summary>
internal sealed class RandomSchemas(int seed)
{
    private static readonly string[] Formats = ["date", "date-time", "uuid", "ipv4"];
    private static readonly string[][] EnumValues = [["red", "green", "blue"], ["Zürich", "São Paulo", "東京"], ["say \"hi\"", "back\\slash"], ["a"]];
    private readonly Random _random = new(seed);
    private JsonObject? _definitions;

    /// <summary>An object schema of 1 to 4 properties, some required, with definitions where a property refers to one.</summary>
    public JsonObject Object()
    {
        _definitions = null;
        JsonObject schema = ObjectOf(depth: 0);
        if (_definitions is not null)
        {
            schema["$defs"] = _definitions;
        }

        return schema;
    }

    private JsonObject ObjectOf(int depth)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        int count = _random.Next(1, 5);
        for (int i = 0; i < count; i++)
        {
            string name = "p" + i;
            properties[name] = Value(depth + 1);
            if (_random.Next(3) > 0)
            {
                required.Add(name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
        if (_random.Next(2) == 0)
        {
            schema["additionalProperties"] = false;
        }

        return schema;
    }

    private JsonObject Value(int depth)
    {
        int kinds = depth >= 3 ? 11 : 17;
        return _random.Next(kinds) switch
        {
            0 => new JsonObject { ["type"] = "string" },
            1 => new JsonObject { ["type"] = "string", ["maxLength"] = _random.Next(1, 12), ["description"] = "bounded" },
            2 => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. EnumValues[_random.Next(EnumValues.Length)].Select(v => (JsonNode)v)]) },
            3 => new JsonObject { ["type"] = "string", ["format"] = Formats[_random.Next(Formats.Length)] },
            4 => new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z]{2,6}$" },
            5 => new JsonObject { ["type"] = "integer" },
            6 => new JsonObject { ["type"] = "integer", ["minimum"] = -_random.Next(100), ["maximum"] = _random.Next(1, 1000) },
            7 => new JsonObject { ["type"] = "number" },
            8 => new JsonObject { ["type"] = "number", ["minimum"] = 0, ["maximum"] = 100, ["multipleOf"] = 0.5 },
            9 => new JsonObject { ["type"] = "boolean" },
            10 => new JsonObject { ["type"] = new JsonArray("string", "null") },
            11 => new JsonObject { ["type"] = "array", ["items"] = Value(depth + 1) },
            12 => ObjectOf(depth),
            13 => new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "integer" } },
            14 => new JsonObject { ["anyOf"] = new JsonArray(Value(depth + 1), Value(depth + 1)) },
            15 => new JsonObject { ["description"] = "anything" },
            _ => Recursive(),
        };
    }

    // A tree node whose children are optional: finite only because recursion is unrolled to a depth.
    private JsonObject Recursive()
    {
        _definitions ??= new JsonObject
        {
            ["node"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["label"] = new JsonObject { ["type"] = "string" },
                    ["children"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/$defs/node" } },
                },
                ["required"] = new JsonArray("label"),
            },
        };
        return new JsonObject { ["$ref"] = "#/$defs/node" };
    }
}
