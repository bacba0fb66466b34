using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace VisPruner.SemanticKernel.IntegrationTests.StructuredOutput;

/// <summary>
/// The schemas the frameworks write by default, for the parameter and result types apps use: Microsoft.Extensions.AI's
/// <c>AIFunctionFactory</c> (which Agent Framework uses too), Semantic Kernel's kernel functions, and
/// <c>GetResponseAsync&lt;T&gt;</c>. A forced call on random weights and on the trained model parses, validates, and
/// binds to the .NET method's parameters; a typed response deserializes.
/// </summary>
public sealed class FrameworkSchemaTests(StructuredOutputModels models) : IClassFixture<StructuredOutputModels>
{
    public sealed record Address(string Street, string City, int? Number);

    public sealed record Shipment(Address To, Address[]? Stops, List<string> Tags, Dictionary<string, int> Counts, Colour Colour, DateTimeOffset When, Guid Id, double Weight, bool Fragile, TimeSpan Window);

    public static TheoryData<string, bool> Tools()
    {
        var data = new TheoryData<string, bool>();
        foreach (AIFunction tool in AllTools())
        {
            data.Add(tool.Name, false);
            data.Add(tool.Name, true);
        }

        return data;
    }

    public static TheoryData<bool> Models() => new() { false, true };

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task A_forced_call_to_a_framework_tool_validates_and_binds_to_its_method(string name, bool trained)
    {
        VisPrunerChatClient client = trained ? models.Trained : models.Random;
        AIFunction[] tools = AllTools();
        AIFunction tool = tools.Single(t => t.Name == name);
        var options = new ChatOptions { Tools = [.. tools], ToolMode = ChatToolMode.RequireSpecific(name), MaxOutputTokens = 8, Temperature = 1f, Seed = name.Length };

        ChatResponse response = await client.GetResponseAsync(Question(), options);

        // Several calls are allowed (the frameworks' default); each must be to the named tool and run.
        List<FunctionCallContent> calls = [.. response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];
        Assert.InRange(calls.Count, 1, StructuredOutputModels.Limits.MaxToolCalls);
        Assert.Null(SchemaOracle.CheckCalls(calls, [tool]));
        foreach (FunctionCallContent call in calls)
        {
            object? result = await tool.InvokeAsync(new AIFunctionArguments(call.Arguments));
            Assert.Equal("done", result is JsonElement json ? json.GetString() : result?.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Several_calls_to_framework_tools_all_validate(bool trained)
    {
        VisPrunerChatClient client = trained ? models.Trained : models.Random;
        AIFunction[] tools = AllTools();

        ChatResponse response = await client.GetResponseAsync(Question(), new ChatOptions { Tools = [.. tools], ToolMode = ChatToolMode.RequireAny, Temperature = 1f, Seed = 3 });

        List<FunctionCallContent> calls = [.. response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];
        Assert.InRange(calls.Count, 1, StructuredOutputModels.Limits.MaxToolCalls);
        Assert.Null(SchemaOracle.CheckCalls(calls, tools));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task GetResponseAsync_of_a_type_always_gives_a_value_of_it(bool trained)
    {
        VisPrunerChatClient client = trained ? models.Trained : models.Random;
        var options = new ChatOptions { MaxOutputTokens = 8, Temperature = 1f, Seed = 1 };

        Assert.NotNull((await client.GetResponseAsync<Shipment>(Question(), options)).Result);
        Assert.NotNull((await client.GetResponseAsync<Colour[]>(Question(), options)).Result);
        Assert.True((await client.GetResponseAsync<int>(Question(), options)).TryGetResult(out _));
        Assert.NotNull((await client.GetResponseAsync<string>(Question(), options)).Result);
    }

    private static List<ChatMessage> Question() =>
        [new(ChatRole.User, [new DataContent(TestImages.Bmp(336, 336, 1), "image/bmp"), new TextContent("Ship it.")])];

    // M.E.AI's factory over typical signatures, and Semantic Kernel's over a plugin's, each with its default schema.
    private static AIFunction[] AllTools()
    {
        KernelPlugin plugin = KernelPluginFactory.CreateFromFunctions("shop",
        [
            KernelFunctionFactory.CreateFromMethod(
                ([Description("The product")] string product, int quantity, string? note = null, Colour colour = Colour.red) => "done", "order"),
            KernelFunctionFactory.CreateFromMethod((List<int> ids, bool urgent) => "done", "cancel"),
        ]);

        return
        [
            AIFunctionFactory.Create((string city, int days) => "done", "forecast"),
            AIFunctionFactory.Create((string query, bool exact = false, double? minScore = null) => "done", "search"),
            AIFunctionFactory.Create((List<string> tags, Dictionary<string, int> counts) => "done", "tag"),
            AIFunctionFactory.Create((Colour colour, DateTimeOffset when, Guid id, TimeSpan window) => "done", "schedule"),
            AIFunctionFactory.Create((Address address, Address[]? others) => "done", "ship"),
            AIFunctionFactory.Create((Shipment shipment) => "done", "dispatch"),
            AIFunctionFactory.Create(() => "done", "ping"),
            .. plugin.AsAIFunctions(),
        ];
    }
}
