using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using VisPruner.DemoModels;
using VisPruner.SemanticKernel.IntegrationTests.Snippets;

namespace VisPruner.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>
/// Semantic Kernel's function calling through <see cref="IChatCompletionService"/> on a gemma3 folder, unchanged: Gemma 3
/// has no tool syntax, so the engine's prompt convention (Google's JSON one) and constrained decoding carry the call, and
/// the kernel invokes the function with the arguments the random-weights demo model was made to write.
/// </summary>
public sealed class Gemma3FunctionChoiceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vispruner-gemma3-sk-" + Guid.NewGuid().ToString("N"));

    public Gemma3FunctionChoiceTests() => TinyGemma3Model.Write(_folder);

    [Fact]
    public async Task Required_makes_the_model_call_the_kernel_function_which_the_kernel_invokes_and_answers_after()
    {
        var invocations = new List<string>();
        IKernelBuilder builder = Kernel.CreateBuilder().AddVisPrunerChatCompletion(options => options.ModelFolder = _folder);
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
        var settings = new VisPrunerPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required(), MaxTokens = 8 };

        ChatMessageContent answer = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(history, settings, kernel);

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

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
