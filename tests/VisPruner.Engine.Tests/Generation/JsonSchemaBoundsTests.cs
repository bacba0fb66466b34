using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VisPruner.Engine.Generation;

namespace VisPruner.Engine.Tests.Generation;

/// <summary>
/// The schema rewrite behind "a constrained reply always finishes": it only narrows (a document valid for the result is
/// valid for the input), keeps the schema's own bounds, bounds what is unbounded, and its byte bound covers the longest
/// document. Replies generated under these schemas are checked end to end against a JSON Schema validator in the
/// connector's integration tests.
/// </summary>
public sealed class JsonSchemaBoundsTests
{
    private static readonly StructuredOutputLimits Limits = new() { MaxStringLength = 5, MaxArrayItems = 2, MaxObjectEntries = 2, MaxReferenceDepth = 2 };

    [Fact]
    public void Unbounded_keywords_get_the_limits_and_explicit_bounds_are_kept()
    {
        BoundedSchema bounded = Bound("""
            {"type": "object", "properties": {
              "s": {"type": "string"}, "t": {"type": "string", "maxLength": 40},
              "i": {"type": "integer"}, "j": {"type": "integer", "minimum": 3},
              "n": {"type": "number"}, "a": {"type": "array", "items": {"type": "boolean"}}, "m": {"type": "object"}}}
            """);

        JsonNode properties = bounded.Schema["properties"]!;
        Assert.Equal(5, (long)properties["s"]!["maxLength"]!);
        Assert.Equal(40, (double)properties["t"]!["maxLength"]!);
        Assert.Equal(-int.MaxValue, (double)properties["i"]!["minimum"]!);
        Assert.Equal(int.MaxValue, (double)properties["i"]!["maximum"]!);
        Assert.Equal(3, (double)properties["j"]!["minimum"]!);
        Assert.Equal(JsonSchemaBounds.NumberStep, (double)properties["n"]!["multipleOf"]!);
        Assert.Equal(2, (long)properties["a"]!["maxItems"]!);
        Assert.Equal(2, (long)properties["m"]!["maxProperties"]!);
        Assert.False((bool)bounded.Schema["additionalProperties"]!);
    }

    [Theory]
    [InlineData("""{"type": "string", "maxLength": 3}""", "\"\\u0041\\u0042\\u0043\"")]
    [InlineData("""{"enum": ["a", "Zürich", "東京"]}""", "\"東京\"")]
    [InlineData("""{"type": "integer", "minimum": -120, "maximum": 99}""", "-120")]
    [InlineData("""{"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.25}""", "99.75")]
    [InlineData("""{"type": "array", "items": {"type": "boolean"}}""", "[false, false]")]
    [InlineData("""{"type": "object", "properties": {"ab": {"type": "null"}, "c": {"type": "boolean"}}}""", """{"ab": null, "c": false}""")]
    [InlineData("""{"type": "object", "additionalProperties": {"type": "boolean"}}""", "{\"\\u0041\\u0042\\u0043\\u0044\\u0045\": false, \"\\u0041\\u0042\\u0043\\u0044\\u0045\": false}")]
    public void The_byte_bound_covers_the_longest_document(string schema, string longest)
    {
        Assert.True(Bound(schema).MaxBytes >= Encoding.UTF8.GetByteCount(longest), $"{Bound(schema).MaxBytes} < {longest}");
    }

    [Fact]
    public void Optional_recursion_is_unrolled_and_required_recursion_that_cannot_end_is_refused()
    {
        BoundedSchema tree = Bound("""{"$ref": "#/$defs/node", "$defs": {"node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/node"}}}}}""");
        Assert.DoesNotContain("$ref", tree.Schema.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("""{"type":"object","properties":{"child":{"type":"object","properties":{},"additionalProperties":false}},"additionalProperties":false}""", tree.Schema.ToJsonString());

        Assert.Null(JsonSchemaBounds.Apply(JsonNode.Parse("""{"type": "object", "properties": {"next": {"$ref": "#"}}, "required": ["next"]}""")!, Limits));
    }

    [Fact]
    public void Malformed_schemas_are_refused_saying_where()
    {
        Assert.Contains("unknown type 'text'", Assert.Throws<ArgumentException>(() => Bound("""{"type": "text"}""")).Message, StringComparison.Ordinal);
        Assert.Contains("does not resolve", Assert.Throws<ArgumentException>(() => Bound("""{"$ref": "#/$defs/missing"}""")).Message, StringComparison.Ordinal);
        Assert.Contains("only local references", Assert.Throws<ArgumentException>(() => Bound("""{"$ref": "https://example.com/s.json"}""")).Message, StringComparison.Ordinal);
    }

    /// <summary>Every date-time the rewritten pattern admits is one .NET reads; a seeded sweep over near-misses of each field.</summary>
    [Fact]
    public void Dates_and_times_admitted_by_the_rewritten_patterns_bind_in_dotnet()
    {
        var dateTime = new Regex(Bound("""{"type": "string", "format": "date-time"}""").Schema["pattern"]!.GetValue<string>(), RegexOptions.ECMAScript);
        var date = new Regex(Bound("""{"type": "string", "format": "date"}""").Schema["pattern"]!.GetValue<string>(), RegexOptions.ECMAScript);
        var random = new Random(7);
        int admitted = 0;
        for (int i = 0; i < 20_000; i++)
        {
            string day = $"{random.Next(0, 10000):D4}-{random.Next(0, 14):D2}-{random.Next(0, 33):D2}";
            string time = $"{random.Next(0, 26):D2}:{random.Next(0, 62):D2}:{random.Next(0, 62):D2}";
            string text = day + (random.Next(2) == 0 ? "T" : "t") + time + (random.Next(3) switch { 0 => "Z", 1 => ".1234567+14:00", _ => "-15:30" });
            if (dateTime.IsMatch(text))
            {
                admitted++;
                Assert.Equal(DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture), JsonSerializer.Deserialize<DateTimeOffset>($"\"{text}\""));
            }

            if (date.IsMatch(day))
            {
                Assert.Equal(day, JsonSerializer.Deserialize<DateOnly>($"\"{day}\"").ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        Assert.InRange(admitted, 1000, 20_000);
    }

    [Fact]
    public void Digit_classes_mean_ASCII_digits_as_in_JSON_Schema()
    {
        Assert.Equal("^[0-9]{3}[a0-9]$", Bound("""{"type": "string", "pattern": "^\\d{3}[a\\d]$"}""").Schema["pattern"]!.GetValue<string>());
    }

    private static BoundedSchema Bound(string schema) => JsonSchemaBounds.Apply(JsonNode.Parse(schema)!, Limits)!;
}
