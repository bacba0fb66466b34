using System.Diagnostics;

using VisPruner.SemanticKernel.IntegrationTests.Infrastructure;

namespace VisPruner.SemanticKernel.IntegrationTests.FreshApp;

/// <summary>
/// An app outside this repository (so without its central package pins) that references Semantic Kernel 1.82, the CPU
/// native ONNX Runtime GenAI package and this library: it restores and builds with warnings as errors (no NU1605
/// downgrade and no NU1603 approximation between their dependencies), and then, with nothing but one registration call,
/// asks about an image and has its kernel function invoked automatically.
/// </summary>
[Collection(ScriptedModelsGroup.Name)]
public sealed class FreshAppTests(ScriptedModels models)
{
    private const string Program = """
        using VisPruner.SemanticKernel.IntegrationTests.FreshApp;

        Console.WriteLine(await FreshAppScenario.AskAsync(args[0], args[1]));
        """;

    // An app that forgot the native package: it builds, and loading a model names the packages to choose from.
    private const string LoadOnlyProgram = """
        try
        {
            using var client = await VisPruner.Extensions.AI.VisPrunerChatClient.LoadAsync(new() { ModelFolder = args[0] });
            return 0;
        }
        catch (NotSupportedException ex)
        {
            Console.WriteLine(ex.Message);
            return 3;
        }
        """;

    [Fact]
    public async Task An_app_referencing_Semantic_Kernel_Core_and_the_library_builds_and_Auto_invokes_a_kernel_function_on_an_image()
    {
        string folder = await WriteAppAsync(Program, nativePackage: true);
        try
        {
            // The library is already built (this test runs from its build); only the app restores and compiles.
            (int exitCode, string output) = await RunAsync(folder, "build", "-c", "Release", "-p:BuildProjectReferences=false", "-nologo");

            Assert.True(exitCode == 0, output);
            Assert.DoesNotContain("NU1605", output, StringComparison.Ordinal);
            Assert.DoesNotContain("NU1603", output, StringComparison.Ordinal);

            // The model calls the lookup, then answers; the same scenario run here teaches it the app's prompt lengths.
            ScriptedModel? model = null;
            (string expected, _) = await models.RunAsync([Replies.Call("buildings_lookup_building"), Replies.Answer], m =>
            {
                model = m;
                return FreshAppScenario.AskAsync(m.Folder, ScriptedModels.HouseImage);
            });
            (exitCode, output) = await RunAsync(folder, Path.Combine(folder, "bin", "Release", "net10.0", "FreshApp.dll"), model!.Folder, ScriptedModels.HouseImage);

            Assert.True(exitCode == 0, output);
            Assert.Equal($"result: {Replies.LookupResult}\nanswer: {Replies.Answer}", expected.ReplaceLineEndings("\n"));
            Assert.Equal(expected, output.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_app_without_a_native_ONNX_Runtime_GenAI_package_is_told_which_to_add()
    {
        string folder = await WriteAppAsync(LoadOnlyProgram, nativePackage: false);
        try
        {
            (int exitCode, string output) = await RunAsync(folder, "build", "-c", "Release", "-p:BuildProjectReferences=false", "-nologo");
            Assert.True(exitCode == 0, output);

            (exitCode, output) = await RunAsync(folder, Path.Combine(folder, "bin", "Release", "net10.0", "FreshApp.dll"), models.Random.Folder);

            Assert.True(exitCode == 3, output);
            Assert.Contains("Microsoft.ML.OnnxRuntimeGenAI (CPU)", output, StringComparison.Ordinal);
            Assert.Contains("Microsoft.ML.OnnxRuntimeGenAI.Cuda", output, StringComparison.Ordinal);
            Assert.Contains("Microsoft.ML.OnnxRuntimeGenAI.DirectML", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // A console app outside the repository (no central pins): Semantic Kernel, this library, the scenario and, unless left
    // out, the CPU native package.
    private static async Task<string> WriteAppAsync(string program, bool nativePackage)
    {
        string root = ReadmeTests.RepositoryRoot;
        string library = Path.Combine(root, "src", "VisPruner.SemanticKernel", "VisPruner.SemanticKernel.csproj");
        string tests = Path.Combine(root, "tests", "VisPruner.SemanticKernel.IntegrationTests");
        string folder = Path.Combine(Path.GetTempPath(), "vispruner-fresh-app-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string native = nativePackage ? """<PackageReference Include="Microsoft.ML.OnnxRuntimeGenAI" Version="0.20.0" />""" : string.Empty;
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
                {native}
                <ProjectReference Include="{library}" />
                <Compile Include="{Path.Combine(tests, "FreshApp", "FreshAppScenario.cs")}" />
                <Compile Include="{Path.Combine(tests, "Snippets", "BuildingPlugin.cs")}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(folder, "Program.cs"), program);
        return folder;
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
