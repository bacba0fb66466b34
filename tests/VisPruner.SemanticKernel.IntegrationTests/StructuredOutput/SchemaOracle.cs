using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.AI;

namespace VisPruner.SemanticKernel.IntegrationTests.StructuredOutput;

/// <summary>An independent JSON Schema validator (JsonSchema.Net) as the judge of constrained replies.</summary>
internal static class SchemaOracle
{
    private static int _documents;

    /// <summary>Null when <paramref name="document"/> is valid for <paramref name="schema"/>; otherwise why not.</summary>
    public static string? Check(JsonNode schema, JsonElement document)
    {
        EvaluationResults results;
        try
        {
            results = Evaluate(schema, document);
        }
        catch (ArgumentOutOfRangeException)
        {
            // The validator throws on the year 0000, which RFC 3339 (and guidance's date-time) allows: check that document
            // against the schema without its date-time formats, whose shape guidance already enforced.
            results = Evaluate(WithoutDateTimeFormats(schema.DeepClone()), document);
        }

        if (results.IsValid)
        {
            return null;
        }

        IEnumerable<string> errors = (results.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        return $"{document.GetRawText()} is not valid: {string.Join("; ", errors)}";
    }

    private static EvaluationResults Evaluate(JsonNode schema, JsonElement document)
    {
        var baseUri = new Uri($"https://schemas.test/{Interlocked.Increment(ref _documents)}");
        JsonSchema validator = JsonSchema.FromText(schema.ToJsonString(), baseUri: baseUri);
        return validator.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static JsonNode WithoutDateTimeFormats(JsonNode node)
    {
        if (node is JsonObject o && o["format"]?.GetValue<string>() is "date-time" or "date")
        {
            o.Remove("format");
        }

        foreach (JsonNode? child in node switch { JsonObject properties => properties.Select(p => p.Value), JsonArray items => items, _ => [] })
        {
            if (child is not null)
            {
                WithoutDateTimeFormats(child);
            }
        }

        return node;
    }

    /// <summary>Null when every call names one of <paramref name="tools"/> and its arguments are valid for the tool's schema; otherwise why not.</summary>
    public static string? CheckCalls(IEnumerable<FunctionCallContent> calls, IEnumerable<AIFunctionDeclaration> tools)
    {
        foreach (FunctionCallContent call in calls)
        {
            AIFunctionDeclaration? tool = tools.FirstOrDefault(t => t.Name == call.Name);
            if (tool is null || call.Exception is not null)
            {
                return $"call {call.Name}: {(tool is null ? "not an offered tool" : call.Exception!.Message)}";
            }

            JsonElement arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);
            // Semantic Kernel's schemas carry an empty "condition" keyword, which the validator refuses as unknown.
            JsonNode schema = JsonNode.Parse(tool.JsonSchema.GetRawText())!;
            (schema as JsonObject)?.Remove("condition");
            if (Check(schema, arguments) is { } problem)
            {
                return $"call {call.Name}: {problem}";
            }
        }

        return null;
    }
}
