using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using VisPruner.DemoModels;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.SemanticKernel.IntegrationTests.Snippets;
using Xunit.Abstractions;
using UsageDetails = Microsoft.Extensions.AI.UsageDetails;

namespace VisPruner.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>
/// Semantic Kernel's function calling through <see cref="IChatCompletionService"/>, unchanged, on the demo folders of the
/// families whose tool calls are not Phi-3.5's: Gemma 3 has no tool syntax, so the engine's prompt convention (Google's
/// JSON one) carries the call; Phi-4-multimodal writes it with its own tag tokens. Constrained decoding makes the
/// random-weights models write a call, and the kernel invokes the function with its arguments.
/// </summary>
public sealed class DemoFamilyFunctionChoiceTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vispruner-sk-families-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("gemma3")]
    [InlineData("phi4mm")]
    public async Task Required_makes_the_model_call_the_kernel_function_which_the_kernel_invokes_and_answers_after(string family)
    {
        (ChatHistory history, List<string> invocations, ChatMessageContent answer, _) = await RequiredCallAsync(family);

        Assert.NotEmpty(invocations);
        FunctionCallContent call = history.SelectMany(m => m.Items).OfType<FunctionCallContent>().First();
        Assert.Equal(("buildings", "lookup_building"), (call.PluginName, call.FunctionName));
        Assert.Null(call.Exception);
        Assert.Equal(invocations[0], call.Arguments!["kind"]?.ToString());
        FunctionResultContent result = history.SelectMany(m => m.Items).OfType<FunctionResultContent>().First();
        Assert.Equal(call.Id, result.CallId);
        Assert.Equal(BuildingPlugin.LookupBuilding(invocations[0], call.Arguments.TryGetValue("colour", out object? colour) ? colour?.ToString() : null), result.Result?.ToString());
        Assert.Equal(AuthorRole.Assistant, answer.Role);
        Assert.Empty(answer.Items.OfType<FunctionCallContent>());
    }

    [Fact]
    public async Task On_phi4mm_the_call_costs_its_JSON_and_the_two_tag_tokens_not_the_tags_spelled_in_text()
    {
        // One call, with short strings: a call the size of the one Extensions.AI's tests measure.
        (ChatHistory history, _, _, VisPrunerChatCompletionService service) = await RequiredCallAsync(
            "phi4mm", new FunctionChoiceBehaviorOptions { AllowParallelCalls = false }, new StructuredOutputLimits { MaxStringLength = 16 });

        ChatMessageContent message = history.First(m => m.Items.OfType<FunctionCallContent>().Any());
        long tokens = Assert.IsType<UsageDetails>(message.Metadata!["Usage"]).OutputTokenCount!.Value;

        // The array as the template renders the calls, which is the layout the grammar makes the model write.
        IChatTemplate template = service.Client.Engine.ChatTemplate;
        ChatPart[] calls = [.. message.Items.OfType<FunctionCallContent>().Select(call => new ToolCallPart(call.Id!, $"{call.PluginName}_{call.FunctionName}", JsonSerializer.Serialize(call.Arguments)))];
        string rendered = template.Render([new ChatTurn(TurnRole.Assistant, calls)], new ChatTemplateOptions { AddGenerationPrompt = false }).Text;
        int start = rendered.IndexOf(template.ToolCallOpen, StringComparison.Ordinal) + template.ToolCallOpen.Length;
        string array = rendered[start..rendered.IndexOf(template.ToolCallClose, start, StringComparison.Ordinal)];
        output.WriteLine($"{tokens} completion tokens for {calls.Length} call(s): {array}");

        // Each token but the two tags and the end of turn writes at least one byte of the array; spelled in text, the tags
        // alone would take more than those three.
        Assert.InRange(tokens, 4, 3 + Encoding.UTF8.GetByteCount(array));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<(ChatHistory History, List<string> Invocations, ChatMessageContent Answer, VisPrunerChatCompletionService Service)> RequiredCallAsync(
        string family, FunctionChoiceBehaviorOptions? choice = null, StructuredOutputLimits? limits = null)
    {
        string folder = Path.Combine(_root, family);
        switch (family)
        {
            case "gemma3":
                TinyGemma3Model.Write(folder);
                break;
            default:
                TinyPhi4MultimodalModel.Write(folder);
                break;
        }

        var invocations = new List<string>();
        IKernelBuilder builder = Kernel.CreateBuilder().AddVisPrunerChatCompletion(options =>
        {
            options.ModelFolder = folder;
            options.StructuredOutput = limits ?? options.StructuredOutput;
        });
        builder.Plugins.AddFromFunctions("buildings",
        [
            KernelFunctionFactory.CreateFromMethod(
                (string kind, string? colour) =>
                {
                    invocations.Add(kind);
                    return BuildingPlugin.LookupBuilding(kind, colour);
                },
                "lookup_building",
                "Looks up what a buyer should know about a kind of building."),
        ]);
        Kernel kernel = builder.Build();
        ChatHistory history =
        [
            new ChatMessageContent(AuthorRole.User,
            [
                new ImageContent(TestImages.Bmp(640, 480, 2), "image/bmp"),
                new TextContent("What kind of building is this, and what should a buyer know?"),
            ]),
        ];
        var settings = new VisPrunerPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required(options: choice), MaxTokens = 8 };
        var service = (VisPrunerChatCompletionService)kernel.GetRequiredService<IChatCompletionService>();

        ChatMessageContent answer = await service.GetChatMessageContentAsync(history, settings, kernel);
        return (history, invocations, answer, service);
    }
}
