using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace VisPruner.SemanticKernel.IntegrationTests.StructuredOutput;

/// <summary>
/// The promise of constrained decoding, checked as a property over generated schemas: on random weights and on the
/// trained demo model, with a call required (any tool, several allowed, or one named tool), with calls optional and a
/// token limit that cuts in, and with a JSON response format, every reply finishes, and every call and JSON document in it
/// is valid for its schema by an independent validator. Nothing is a silent empty reply cut off by the token limit.
/// </summary>
public sealed class GeneratedSchemaTests(StructuredOutputModels models, ITestOutputHelper output) : IClassFixture<StructuredOutputModels>
{
    private const int Schemas = 40;

    private enum Mode
    {
        RequireAny,
        RequireNamedSingle,
        AutoCutShort,
        Json,
    }

    [Fact]
    public async Task Every_forced_reply_to_a_generated_schema_finishes_and_validates()
    {
        var failures = new List<string>();
        int replies = 0, calls = 0;
        for (int seed = 0; seed < Schemas; seed++)
        {
            JsonObject first = new RandomSchemas(seed).Object(), second = new RandomSchemas(seed + 1000).Object();
            AIFunctionDeclaration[] tools = [Declare("tool_a", first), Declare("tool_b", second)];
            foreach (Mode mode in Enum.GetValues<Mode>())
            {
                // The trained model on every third schema: it is slower per token and never the first to fail.
                foreach (VisPrunerChatClient client in seed % 3 == 0 ? [models.Random, models.Trained] : new[] { models.Random })
                {
                    ChatResponse response = await client.GetResponseAsync(Question(), Options(mode, tools, first, seed));
                    replies++;
                    calls += Calls(response).Count();
                    if (Problem(mode, response, tools, first) is { } problem)
                    {
                        failures.Add($"seed {seed}, {mode}, {client.ModelId}: {problem}\n  schema a: {first.ToJsonString()}\n  schema b: {second.ToJsonString()}");
                    }
                }
            }
        }

        output.WriteLine($"{Schemas * 2} generated schemas, {replies} replies, {calls} calls, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(5)));
    }

    private static AIFunctionDeclaration Declare(string name, JsonObject schema) =>
        AIFunctionFactory.CreateDeclaration(name, "A generated tool.", JsonSerializer.SerializeToElement(schema));

    private static List<ChatMessage> Question() =>
        [new(ChatRole.User, [new DataContent(TestImages.Bmp(336, 336, 2), "image/bmp"), new TextContent("What is in the picture?")])];

    private static ChatOptions Options(Mode mode, AIFunctionDeclaration[] tools, JsonObject schema, int seed)
    {
        // Half the requests sample (a different path through the grammar each time), half are greedy.
        var options = new ChatOptions { Temperature = seed % 2 == 0 ? 1f : 0f, Seed = seed, MaxOutputTokens = 4 };
        switch (mode)
        {
            case Mode.RequireAny:
                options.Tools = tools;
                options.ToolMode = ChatToolMode.RequireAny;
                break;
            case Mode.RequireNamedSingle:
                options.Tools = tools;
                options.ToolMode = ChatToolMode.RequireSpecific("tool_b");
                options.AllowMultipleToolCalls = false;
                break;
            case Mode.AutoCutShort:
                options.Tools = tools;
                options.ToolMode = ChatToolMode.Auto;
                options.MaxOutputTokens = 1 + (seed % 12);
                break;
            case Mode.Json:
                options.ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonSerializer.SerializeToElement(schema), "answer");
                break;
        }

        return options;
    }

    private static IEnumerable<FunctionCallContent> Calls(ChatResponse response) => response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>();

    private static string? Problem(Mode mode, ChatResponse response, AIFunctionDeclaration[] tools, JsonObject schema)
    {
        List<FunctionCallContent> calls = [.. Calls(response)];
        switch (mode)
        {
            case Mode.RequireAny or Mode.RequireNamedSingle:
                if (calls.Count == 0 || response.FinishReason != ChatFinishReason.ToolCalls)
                {
                    return $"no call ({response.FinishReason}): '{response.Text}'";
                }

                if (mode == Mode.RequireNamedSingle && (calls.Count != 1 || calls[0].Name != "tool_b"))
                {
                    return $"expected one call to tool_b, got {string.Join(", ", calls.Select(c => c.Name))}";
                }

                return SchemaOracle.CheckCalls(calls, tools);
            case Mode.AutoCutShort:
                // Text may be cut by the limit; a call the model began is finished, never left behind as markup.
                return response.Text.Contains("tool_call>", StringComparison.Ordinal)
                    ? $"tool-call markup left in the text ({response.FinishReason}): '{response.Text}'"
                    : SchemaOracle.CheckCalls(calls, tools);
            default:
                if (response.FinishReason != ChatFinishReason.Stop)
                {
                    return $"the JSON reply did not finish ({response.FinishReason}): '{response.Text}'";
                }

                try
                {
                    using var document = JsonDocument.Parse(response.Text);
                    return SchemaOracle.Check(schema, document.RootElement);
                }
                catch (JsonException ex)
                {
                    return $"not JSON ({ex.Message}): '{response.Text}'";
                }
        }
    }
}
