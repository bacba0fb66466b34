using System.CommandLine;
using System.Diagnostics;
using VisPruner.Engine;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Imaging;
using VisPruner.Tokenizers.ChatTemplates;

namespace VisPruner.Cli.Chat;

/// <summary>The main command: ask a question about one or more images and stream the answer.</summary>
internal static class ChatCommand
{
    public static RootCommand Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "A model folder prepared for ONNX Runtime GenAI (e.g. Phi-3.5-vision-instruct-onnx cpu-int4). Without it, a tiny demo model with random weights runs." };
        var images = new Option<string[]>("--image", "-i") { Description = "An image file (PNG, JPEG or BMP); repeat for several.", Required = true };
        var prompt = new Option<string>("--prompt", "-p") { Description = "The question.", DefaultValueFactory = _ => "Describe this image." };
        var system = new Option<string?>("--system") { Description = "A system message." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "The most tokens to generate.", DefaultValueFactory = _ => 128 };
        var temperature = new Option<double?>("--temperature") { Description = "Sample at this temperature (default: greedy)." };
        var topP = new Option<double?>("--top-p") { Description = "Nucleus sampling probability." };
        var seed = new Option<int?>("--seed") { Description = "Random seed for reproducible sampling." };

        var root = new RootCommand("Chat about images with a local vision-language model whose visual tokens are pruned by VisPruner.")
        {
            model, images, prompt, system, maxTokens, temperature, topP, seed,
        };
        root.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(model),
            parse.GetValue(images)!,
            parse.GetValue(prompt)!,
            parse.GetValue(system),
            new GenerationOptions { MaxNewTokens = parse.GetValue(maxTokens), Temperature = parse.GetValue(temperature), TopP = parse.GetValue(topP), Seed = parse.GetValue(seed) },
            cancellationToken));
        return root;
    }

    private static async Task<int> RunAsync(
        string? modelFolder, string[] imagePaths, string question, string? system, GenerationOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var load = Stopwatch.StartNew();
            if (modelFolder is null)
            {
                Console.Error.WriteLine("No --model given: using the built-in demo model.");
                Console.Error.WriteLine("  random weights: output is gibberish; pass --model <folder> with a real Phi-3.5-vision ONNX folder.");
                modelFolder = DemoModel.EnsureFolder();
            }

            Console.Error.Write($"Loading {modelFolder} ... ");
            using MultimodalEngine engine = await MultimodalEngine.LoadAsync(modelFolder, cancellationToken: cancellationToken);
            Console.Error.WriteLine($"{engine.ModelType}, {load.Elapsed.TotalSeconds:F1} s");

            var turns = new List<ChatTurn>();
            if (system is not null)
            {
                turns.Add(new ChatTurn(TurnRole.System, system));
            }

            turns.Add(new ChatTurn(TurnRole.User, [.. imagePaths.Select(_ => (ChatPart)new ImagePart()), new TextPart(question)]));
            var request = new GenerationRequest(turns, [.. imagePaths.Select(ImageInput.FromFile)], options);

            var text = new System.Text.StringBuilder();
            await foreach (GenerationUpdate update in engine.GenerateAsync(request, cancellationToken))
            {
                Console.Write(update.Text);
                text.Append(update.Text);
                if (update.IsFinal)
                {
                    Console.WriteLine();
                    StatisticsReport.Write(Console.Error, new GenerationResult(text.ToString(), update.FinishReason!.Value, update.Statistics!));
                }
            }

            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception ex) when (ex is IOException or ModelFolderException or InvalidImageException or ArgumentException or NotSupportedException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }
}
