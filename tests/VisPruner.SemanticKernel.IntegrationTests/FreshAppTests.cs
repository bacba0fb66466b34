using System.Diagnostics;

namespace VisPruner.SemanticKernel.IntegrationTests;

/// <summary>
/// An app outside this repository (so without its central package pins) that references Semantic Kernel 1.82, the CPU
/// native ONNX Runtime GenAI package and this library restores and builds with warnings as errors: no NU1605 downgrade
/// and no NU1603 approximation between their dependencies.
/// </summary>
public sealed class FreshAppTests
{
    private const string Program = """
        using Microsoft.SemanticKernel;
        using Microsoft.SemanticKernel.ChatCompletion;
        using VisPruner.SemanticKernel;

        Kernel kernel = Kernel.CreateBuilder().AddVisPrunerChatCompletion(args[0]).Build();
        IChatCompletionService chat = kernel.GetRequiredService<IChatCompletionService>();
        ChatHistory history = [];
        history.AddUserMessage([new ImageContent(File.ReadAllBytes(args[1]), "image/png"), new TextContent("What is this?")]);
        var settings = new VisPrunerPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        Console.WriteLine(await chat.GetChatMessageContentAsync(history, settings, kernel));
        """;

    [Fact]
    public async Task An_app_referencing_Semantic_Kernel_Core_and_the_library_builds_with_warnings_as_errors()
    {
        string library = Path.Combine(ReadmeTests.RepositoryRoot, "src", "VisPruner.SemanticKernel", "VisPruner.SemanticKernel.csproj");
        string folder = Path.Combine(Path.GetTempPath(), "vispruner-fresh-app-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "FreshApp.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.SemanticKernel.Core" Version="1.82.0" />
                    <PackageReference Include="Microsoft.ML.OnnxRuntimeGenAI" Version="0.18.0" />
                    <ProjectReference Include="{library}" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(folder, "Program.cs"), Program);

            // The library is already built (this test runs from its build); only the app restores and compiles.
            (int exitCode, string output) = await RunAsync(folder, "build", "-c", "Release", "-p:BuildProjectReferences=false", "-nologo");

            Assert.True(exitCode == 0, output);
            Assert.DoesNotContain("NU1605", output, StringComparison.Ordinal);
            Assert.DoesNotContain("NU1603", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
