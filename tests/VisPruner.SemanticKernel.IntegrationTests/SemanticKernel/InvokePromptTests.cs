using Microsoft.Extensions.Configuration;
using Microsoft.SemanticKernel;
using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;
using VisPruner.SemanticKernel.IntegrationTests.Snippets;

namespace VisPruner.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>Prompt functions (<c>InvokePromptAsync</c>) run on the model the kernel's services hold.</summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class InvokePromptTests(ScriptedModels models)
{
    private const string Title = "Charming red family house with a large garden.";

    [Fact]
    public async Task The_README_DI_example_binds_configuration_and_InvokePromptAsync_returns_the_models_answer()
    {
        (FunctionResult result, IReadOnlyList<ModelRequest> requests) = await models.RunAsync([Title], model =>
            SemanticKernelSnippets.DependencyInjectionAsync(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["VisPruner:ModelFolder"] = model.Folder,
                ["VisPruner:ModelId"] = model.Id,
            }).Build()));

        Assert.Equal(Title, result.ToString());
        Assert.Equal(await models.TokenCountAsync(Title) + 1, Assert.Single(requests).CompletionTokens); // and the end token
        Assert.Equal("stop", Assert.Single(requests).FinishReason);
    }

    [Fact]
    public async Task InvokePromptAsync_with_Auto_invokes_the_kernel_function_and_returns_the_final_answer()
    {
        var invocations = new List<string>();
        (FunctionResult result, IReadOnlyList<ModelRequest> requests) = await models.RunAsync(
            [Replies.Call("buildings_lookup_building"), Replies.Answer],
            model =>
            {
                invocations.Clear();
                IKernelBuilder builder = Kernel.CreateBuilder().AddVisPrunerChatCompletion(model.Configure);
                builder.Plugins.AddFromFunctions("buildings",
                [
                    KernelFunctionFactory.CreateFromMethod((string kind, string? colour) =>
                    {
                        invocations.Add(kind);
                        return BuildingPlugin.LookupBuilding(kind, colour);
                    }, "lookup_building"),
                ]);
                return builder.Build().InvokePromptAsync(
                    "What should the buyer of a red house check?",
                    new KernelArguments(new VisPrunerPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }));
            });

        Assert.Equal(["house"], invocations);
        Assert.Equal(Replies.Answer, result.ToString());
        Assert.Equal(2, requests.Count);
    }
}
