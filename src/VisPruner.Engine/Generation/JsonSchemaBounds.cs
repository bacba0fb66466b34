using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VisPruner.Engine.Generation;

/// <summary>A JSON schema rewritten so that every document it admits is finite, and the longest such document in bytes.</summary>
/// <param name="Schema">The bounded schema (local <c>$ref</c>s inlined).</param>
/// <param name="MaxBytes">The most UTF-8 bytes a document takes in the compact layout guidance enforces.</param>
internal sealed record BoundedSchema(JsonNode Schema, long MaxBytes);

/// <summary>
/// Rewrites a JSON schema into one whose documents are all finite under ONNX Runtime GenAI's guidance (llguidance), and
/// computes the longest such document: strings get a <c>maxLength</c>, arrays a <c>maxItems</c>, numbers a range and a
/// step, objects with declared properties admit no others, free-form objects bounded keys and entries, and <c>$ref</c>s
/// are unrolled to a depth. Every rewrite narrows the schema, so a document valid for the result is valid for the input.
/// A reply can then never run on inside a string or a number: each generated token adds at least one byte, so the
/// byte bound is a token bound.
/// </summary>
internal sealed class JsonSchemaBounds
{
    /// <summary>The range of integers without one: 32-bit, so that a value binds to an <see cref="int"/> parameter as well as a <see cref="long"/>.</summary>
    public const double IntegerRange = int.MaxValue;

    /// <summary>The range of numbers without one.</summary>
    public const double NumberRange = 1e15;

    /// <summary>The step (<c>multipleOf</c>) of numbers without one: llguidance then writes at most six decimals and no exponent.</summary>
    public const double NumberStep = 1e-6;

    // The most bytes one character of a JSON string takes: a \uXXXX escape (guidance allows them; a character beyond the
    // Basic Multilingual Plane is two characters of maxLength and two escapes).
    private const int BytesPerCharacter = 6;

    // RFC 3339 dates and date-times as .NET reads them (DateTime, DateTimeOffset, DateOnly): years 0001-9999, days that
    // exist in their month (February the 29th left out), seconds up to 59, an upper-case T and Z, at most seven decimals.
    // Guidance's own formats admit more (a year 0000, a leap second "60", a lower-case "t"), which .NET fails to bind.
    private const string DatePattern =
        "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)";

    private const string DateTimePattern =
        DatePattern + "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,7})?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)";

    // The pattern System.Text.Json's schema exporter writes for TimeSpan admits hours and minutes it cannot read back
    // ("99:99:99"); its reader takes [-][d.]hh:mm:ss[.fffffff] with hh up to 23 and mm, ss up to 59.
    private const string ExportedTimeSpanPattern = "^-?(\\d+\\.)?\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?$";
    private const string TimeSpanPattern = "^-?([0-9]{1,6}\\.)?([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,7})?$";

    /// <summary>The least default length of a string with a format or a pattern.</summary>
    public const int ShapedStringLength = 64;

    // ", " between items and ": " after keys: the compact layout of GuidanceOptions.
    private const int SeparatorBytes = 2;

    // Beyond this a bound means "does not fit any context"; it keeps the arithmetic finite.
    private const double Saturation = 1e15;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "title", "description", "default", "examples", "$comment", "readOnly", "writeOnly", "deprecated", "$schema", "$id", "$anchor",
    };

    private readonly JsonNode _root;
    private readonly StructuredOutputLimits _limits;
    private readonly int _keyLength;

    private JsonSchemaBounds(JsonNode root, StructuredOutputLimits limits)
    {
        _root = root;
        _limits = limits;
        _keyLength = Math.Min(64, limits.MaxStringLength);
    }

    /// <summary>Bounds <paramref name="schema"/>.</summary>
    /// <param name="schema">A JSON schema (an object or a boolean).</param>
    /// <param name="limits">The bounds to apply where the schema sets none.</param>
    /// <returns>The bounded schema, or null when no finite document satisfies it within the limits (for example recursion deeper than <see cref="StructuredOutputLimits.MaxReferenceDepth"/>).</returns>
    /// <exception cref="ArgumentException">The schema is malformed: not an object or boolean, an unknown type, or a <c>$ref</c> that does not resolve within it.</exception>
    public static BoundedSchema? Apply(JsonNode schema, StructuredOutputLimits limits)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(limits);
        return new JsonSchemaBounds(schema, limits).Visit(schema, depth: 0);
    }

    /// <summary>The longest document of a JSON object with no declared properties: at least one entry, within the limits.</summary>
    public static BoundedSchema AnyObject(StructuredOutputLimits limits)
    {
        var schema = new JsonObject { ["type"] = "object", ["minProperties"] = 1 };
        return Apply(schema, limits) ?? throw new InvalidOperationException("A free-form object is always bounded.");
    }

    /// <summary>The compact, single-line layout guidance should enforce: a reply cannot spend tokens on whitespace.</summary>
    /// <param name="schema">The top-level schema; the options go on it (guidance reads them there only).</param>
    /// <returns>The same object.</returns>
    public static JsonObject WithGuidanceOptions(JsonObject schema)
    {
        // lenient: keywords guidance does not implement (and unknown formats) are ignored rather than failing the request.
        schema["x-guidance"] = new JsonObject { ["whitespace_flexible"] = false, ["item_separator"] = ", ", ["key_separator"] = ": ", ["lenient"] = true };
        return schema;
    }

    /// <summary>The UTF-8 length of <paramref name="value"/> written as compact JSON, with room for the spaces of the guidance layout.</summary>
    public static long ValueBytes(JsonNode? value)
    {
        string json = value?.ToJsonString(Compact) ?? "null";
        return Encoding.UTF8.GetByteCount(json) + json.Count(c => c is ',' or ':');
    }

    private BoundedSchema? Visit(JsonNode? node, int depth)
    {
        switch (node)
        {
            case null:
                return Any();
            case JsonValue value when value.TryGetValue(out bool admitsAll):
                return admitsAll ? Any() : null;
            case JsonObject:
                break;
            default:
                throw new ArgumentException($"A JSON schema must be an object or a boolean; found {node.GetValueKind()} ({Excerpt(node)}).");
        }

        var source = (JsonObject)node;
        var schema = new JsonObject();
        foreach ((string key, JsonNode? value) in source)
        {
            if (key is not ("$ref" or "$defs" or "definitions" or "x-guidance"))
            {
                schema[key] = value?.DeepClone();
            }
        }

        BoundedSchema? referenced = null;
        if (source["$ref"] is JsonNode reference)
        {
            if (depth >= _limits.MaxReferenceDepth)
            {
                return null;
            }

            referenced = Visit(Resolve(reference), depth + 1);
            if (referenced is null)
            {
                return null;
            }

            if (!schema.Any(p => !Annotations.Contains(p.Key)))
            {
                if (referenced.Schema is JsonObject target)
                {
                    foreach ((string key, JsonNode? value) in schema)
                    {
                        target[key] = value?.DeepClone();
                    }
                }

                return referenced;
            }
        }

        // Listed values bound the document by themselves; other keywords only narrow which of them guidance admits.
        if (schema["enum"] is JsonArray values)
        {
            return values.Count == 0 ? null : new BoundedSchema(schema, Saturate(values.Max(ValueBytes)));
        }

        if (schema.ContainsKey("const"))
        {
            return new BoundedSchema(schema, Saturate(ValueBytes(schema["const"])));
        }

        double bound = double.PositiveInfinity;
        bool constrained = referenced is not null;

        foreach (string combinator in (string[])["anyOf", "oneOf"])
        {
            if (schema[combinator] is JsonArray branches)
            {
                var kept = new JsonArray();
                double longest = 0;
                foreach (JsonNode? branch in branches)
                {
                    if (Visit(branch, depth) is { } bounded)
                    {
                        kept.Add(bounded.Schema);
                        longest = Math.Max(longest, bounded.MaxBytes);
                    }
                }

                if (kept.Count == 0)
                {
                    return null;
                }

                schema[combinator] = kept;
                bound = Math.Min(bound, longest);
                constrained = true;
            }
        }

        if (referenced is not null || schema["allOf"] is JsonArray)
        {
            // A document satisfies every branch (a $ref beside other keywords is one more), so the shortest bound holds.
            var visited = new JsonArray();
            if (referenced is not null)
            {
                visited.Add(referenced.Schema);
                bound = Math.Min(bound, referenced.MaxBytes);
            }

            foreach (JsonNode? branch in schema["allOf"] as JsonArray ?? [])
            {
                BoundedSchema? bounded = Visit(branch, depth);
                if (bounded is null)
                {
                    return null;
                }

                visited.Add(bounded.Schema);
                bound = Math.Min(bound, bounded.MaxBytes);
            }

            schema["allOf"] = visited;
            constrained = true;
        }

        List<string> types = Types(schema);
        if (types.Count == 0)
        {
            return constrained ? new BoundedSchema(schema, Saturate(bound)) : Any(schema);
        }

        var possible = new JsonArray();
        double longestType = -1;
        foreach (string type in types)
        {
            double? bytes = type switch
            {
                "string" => BoundString(schema),
                "integer" => BoundNumber(schema, IntegerRange, step: null),
                "number" => BoundNumber(schema, NumberRange, NumberStep),
                "boolean" => 5,
                "null" => 4,
                "object" => BoundObject(schema, depth),
                "array" => BoundArray(schema, depth),
                _ => throw new ArgumentException($"A JSON schema names the unknown type '{type}' ({Excerpt(node)})."),
            };

            if (bytes is double b)
            {
                possible.Add(type);
                longestType = Math.Max(longestType, b);
            }
        }

        if (possible.Count == 0)
        {
            return null;
        }

        schema["type"] = possible.Count == 1 ? possible[0]!.DeepClone() : possible;
        return new BoundedSchema(schema, Saturate(Math.Min(bound, longestType)));
    }

    // The declared types, or those the keywords imply when none is declared (a narrowing: a bare "properties" schema
    // admits non-objects too, which no reply needs).
    private static List<string> Types(JsonObject schema)
    {
        switch (schema["type"])
        {
            case JsonValue single when single.TryGetValue(out string? name):
                return [name];
            case JsonArray many:
                return [.. many.Select(t => t?.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : throw new ArgumentException($"A JSON schema's type list holds {Excerpt(t)}."))];
            case not null:
                throw new ArgumentException($"A JSON schema's type must be a string or a list of strings; found {Excerpt(schema["type"])}.");
        }

        if (schema.ContainsKey("enum") || schema.ContainsKey("const") || schema.ContainsKey("anyOf") || schema.ContainsKey("oneOf") || schema.ContainsKey("allOf"))
        {
            return [];
        }

        bool Has(params string[] keys) => keys.Any(schema.ContainsKey);
        return Has("properties", "required", "additionalProperties", "patternProperties", "minProperties", "maxProperties") ? ["object"]
            : Has("items", "prefixItems", "minItems", "maxItems") ? ["array"]
            : Has("maxLength", "minLength", "pattern", "format") ? ["string"]
            : Has("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf") ? ["number"]
            : [];
    }

    private double? BoundString(JsonObject schema)
    {
        if (schema["format"]?.GetValueKind() == JsonValueKind.String && !schema.ContainsKey("pattern"))
        {
            string? pattern = schema["format"]!.GetValue<string>() switch
            {
                "date-time" => DateTimePattern,
                "date" => DatePattern,
                _ => null,
            };

            if (pattern is not null)
            {
                schema.Remove("format");
                schema["pattern"] = "^" + pattern + "$";
            }
        }

        if (schema["pattern"]?.GetValueKind() == JsonValueKind.String)
        {
            string pattern = schema["pattern"]!.GetValue<string>();
            schema["pattern"] = pattern == ExportedTimeSpanPattern ? TimeSpanPattern : AsciiDigits(pattern);
        }

        // A format or pattern may need more characters than a short default allows (a date-time takes 20 or more).
        bool shaped = schema.ContainsKey("format") || schema.ContainsKey("pattern");
        double max = Number(schema, "maxLength") ?? (shaped ? Math.Max(_limits.MaxStringLength, ShapedStringLength) : _limits.MaxStringLength);
        schema.TryAdd("maxLength", (long)max);
        return Number(schema, "minLength") > max ? null : 2 + (BytesPerCharacter * max);
    }

    // JSON Schema patterns are ECMA-262 regular expressions, where \d is [0-9]; guidance's (Rust) regular expressions
    // read \d as any Unicode digit, which neither the schema nor .NET's number parsing means.
    private static string AsciiDigits(string pattern)
    {
        var result = new StringBuilder(pattern.Length);
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                char next = pattern[++i];
                result.Append(next == 'd' ? (inClass ? "0-9" : "[0-9]") : string.Concat(c, next));
                continue;
            }

            inClass = c switch { '[' => true, ']' => false, _ => inClass };
            result.Append(c);
        }

        return result.ToString();
    }

    private static double? BoundNumber(JsonObject schema, double range, double? step)
    {
        double? minimum = Number(schema, "minimum") ?? Number(schema, "exclusiveMinimum");
        double? maximum = Number(schema, "maximum") ?? Number(schema, "exclusiveMaximum");
        double low = minimum ?? (Math.Min(maximum ?? 0, 0) - range);
        double high = maximum ?? (Math.Max(minimum ?? 0, 0) + range);
        if (minimum is null)
        {
            schema["minimum"] = low;
        }

        if (maximum is null)
        {
            schema["maximum"] = high;
        }

        if (low > high)
        {
            return null;
        }

        double largest = Math.Max(Math.Abs(low), Math.Abs(high));
        double digits = (largest < 10 ? 1 : Math.Floor(Math.Log10(largest)) + 1) + 1; // one spare for rounding at a power of ten
        double sign = low < 0 ? 1 : 0;
        if (step is null && schema.ContainsKey("multipleOf") is false)
        {
            return sign + digits;
        }

        double multiple = Number(schema, "multipleOf") ?? step!.Value;
        schema.TryAdd("multipleOf", multiple);
        return sign + digits + 1 + Decimals(multiple) + 1; // "." and a spare "0" for an integral step written as "3.0"
    }

    private static int Decimals(double step)
    {
        if (!double.IsFinite(step) || step <= 0)
        {
            throw new ArgumentException($"A JSON schema's multipleOf must be a positive number; found {step}.");
        }

        return step is >= 7.9e-28 and <= 7.9e27 ? ((decimal)step).Scale : 28;
    }

    private double? BoundArray(JsonObject schema, int depth)
    {
        if (schema["items"] is JsonArray tuple)
        {
            // Draft 4 tuples: the positional form of prefixItems.
            schema.Remove("items");
            schema["prefixItems"] = tuple;
            schema.TryAdd("items", false);
        }

        var prefix = new List<BoundedSchema>();
        var prefixItems = schema["prefixItems"] as JsonArray;
        foreach (JsonNode? item in prefixItems ?? [])
        {
            BoundedSchema? bounded = Visit(item, depth);
            if (bounded is null)
            {
                break; // an impossible position ends the array before it
            }

            prefix.Add(bounded);
        }

        if (prefixItems is not null)
        {
            schema["prefixItems"] = new JsonArray([.. prefix.Select(p => p.Schema)]);
        }

        BoundedSchema? rest = schema.ContainsKey("items") ? Visit(schema["items"], depth) : Any();
        double max = Number(schema, "maxItems") ?? _limits.MaxArrayItems;
        if (rest is null || prefix.Count < (prefixItems?.Count ?? 0))
        {
            max = Math.Min(max, prefix.Count);
        }

        schema["maxItems"] = (long)max;
        schema["items"] = rest?.Schema ?? false;
        if (Number(schema, "minItems") > max)
        {
            return null;
        }

        double bytes = 2 + (Math.Max(0, max - 1) * SeparatorBytes);
        int positional = (int)Math.Min(prefix.Count, max);
        bytes += prefix.Take(positional).Sum(p => (double)p.MaxBytes);
        return max > positional ? bytes + ((max - positional) * rest!.MaxBytes) : bytes;
    }

    private double? BoundObject(JsonObject schema, int depth)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema["required"] is JsonArray names)
        {
            required.UnionWith(names.Select(n => n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : throw new ArgumentException($"A JSON schema's required list holds {Excerpt(n)}.")));
        }

        JsonNode? additional = schema["additionalProperties"];
        var declared = schema["properties"] as JsonObject ?? [];
        var properties = new JsonObject();
        double bytes = 2;
        var count = 0;
        // Required names without a declaration take the schema of additional properties.
        IEnumerable<KeyValuePair<string, JsonNode?>> undeclared = required.Where(r => !declared.ContainsKey(r)).Select(r => KeyValuePair.Create(r, additional ?? (JsonNode?)JsonValue.Create(true)));
        foreach ((string name, JsonNode? property) in declared.Concat(undeclared))
        {
            BoundedSchema? bounded = Visit(property, depth);
            if (bounded is null)
            {
                if (required.Contains(name))
                {
                    return null;
                }

                continue;
            }

            properties[name] = bounded.Schema;
            bytes += ValueBytes(JsonValue.Create(name)) + SeparatorBytes + bounded.MaxBytes + (count++ > 0 ? SeparatorBytes : 0);
        }

        schema.Remove("patternProperties");
        if (count > 0 || schema.ContainsKey("properties"))
        {
            // Declared properties only: a reply has no use for others, and a model left free to add keys rambles in them.
            schema["properties"] = properties;
            schema["additionalProperties"] = false;
            return Number(schema, "minProperties") > count ? null : bytes;
        }

        // A dictionary: bounded keys and entries, values as the schema says.
        BoundedSchema? value = additional is JsonValue v && v.TryGetValue(out bool allowed) && !allowed ? null : Visit(additional, depth);
        double entries = value is null ? 0 : Number(schema, "maxProperties") ?? _limits.MaxObjectEntries;
        schema["additionalProperties"] = false;
        schema["maxProperties"] = (long)entries;
        if (value is not null)
        {
            schema["patternProperties"] = new JsonObject { [KeyPattern()] = value.Schema };
        }

        if (Number(schema, "minProperties") > entries)
        {
            return null;
        }

        double entry = 2 + (BytesPerCharacter * _keyLength) + SeparatorBytes + (value?.MaxBytes ?? 0);
        return 2 + (entries * entry) + (Math.Max(0, entries - 1) * SeparatorBytes);
    }

    // Any JSON value the limits admit, narrowed to scalars: a free value nested in free values would multiply the bound
    // by each level's limits.
    private BoundedSchema Any(JsonObject? annotations = null)
    {
        var any = new JsonObject
        {
            ["anyOf"] = new JsonArray(
                new JsonObject { ["type"] = "string" },
                new JsonObject { ["type"] = "number" },
                new JsonObject { ["type"] = "boolean" },
                new JsonObject { ["type"] = "null" }),
        };

        // Plain types only: bounding them always succeeds.
        BoundedSchema bounded = Visit(any, depth: 0)!;
        foreach ((string key, JsonNode? value) in annotations ?? [])
        {
            ((JsonObject)bounded.Schema)[key] = value?.DeepClone();
        }

        return bounded;
    }

    // Key characters a reply can write without escapes, up to the key length.
    private string KeyPattern() => "^[^\"\\\\\\x00-\\x1F]{1," + _keyLength.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}$";

    private JsonNode? Resolve(JsonNode reference)
    {
        string? path = reference.GetValueKind() == JsonValueKind.String ? reference.GetValue<string>() : null;
        if (path is null || !path.StartsWith('#'))
        {
            throw new ArgumentException($"A JSON schema's $ref '{Excerpt(reference)}' is not a reference within the schema; only local references (#/...) are supported.");
        }

        JsonNode? target = _root;
        foreach (string part in path.Length > 1 ? Uri.UnescapeDataString(path[1..]).TrimStart('/').Split('/') : [])
        {
            string name = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            target = target switch
            {
                JsonObject o when o.TryGetPropertyValue(name, out JsonNode? child) => child,
                JsonArray a when int.TryParse(name, System.Globalization.CultureInfo.InvariantCulture, out int i) && i >= 0 && i < a.Count => a[i],
                _ => throw new ArgumentException($"A JSON schema's $ref '{path}' does not resolve within the schema."),
            };
        }

        return target;
    }

    private static double? Number(JsonObject schema, string keyword) => schema[keyword] switch
    {
        JsonValue value when value.TryGetValue(out double d) => d,
        JsonValue value when value.TryGetValue(out long l) => l,
        JsonValue value when value.TryGetValue(out int i) => i,
        JsonValue value when value.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number => e.GetDouble(),
        _ => null,
    };

    private static long Saturate(double bytes) => (long)Math.Min(bytes, Saturation);

    private static string Excerpt(JsonNode? node)
    {
        string json = node?.ToJsonString() ?? "null";
        return json.Length <= 80 ? json : json[..80] + "...";
    }
}
