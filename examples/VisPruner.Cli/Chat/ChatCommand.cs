using System.CommandLine;
using System.Diagnostics;
using VisPruner.Engine;
using VisPruner.Engine.DemoModels;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Imaging;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.Imaging.Png;
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
        var tokens = new Option<int?>("--tokens") { Description = "Visual tokens kept per image (default: a quarter of them)." };
        var selector = new Option<VisualTokenSelectorKind>("--selector") { Description = "How visual tokens are chosen.", DefaultValueFactory = _ => VisualTokenSelectorKind.VisPruner };
        var ratio = new Option<double>("--ratio") { Description = "VisPruner's share of the budget chosen by [CLS] attention.", DefaultValueFactory = _ => 0.5 };
        var explain = new Option<string?>("--explain") { Description = "Write a PNG of the first image with the kept visual tokens highlighted." };

        var root = new RootCommand("Chat about images with a local vision-language model whose visual tokens are pruned by VisPruner.")
        {
            model, images, prompt, system, maxTokens, temperature, topP, seed, tokens, selector, ratio, explain,
        };
        root.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(model),
            parse.GetValue(images)!,
            parse.GetValue(prompt)!,
            parse.GetValue(system),
            new GenerationOptions
            {
                MaxNewTokens = parse.GetValue(maxTokens),
                Temperature = parse.GetValue(temperature),
                TopP = parse.GetValue(topP),
                Seed = parse.GetValue(seed),
                Pruning = new VisualTokenPruningOptions { Selector = parse.GetValue(selector), TokensPerImage = parse.GetValue(tokens), ImportantRatio = parse.GetValue(ratio) },
            },
            parse.GetValue(explain),
            cancellationToken));
        return root;
    }

    /// <summary>Draws the first image with the tokens the request kept; its features are cached, so this is quick.</summary>
    private static async Task ExplainAsync(MultimodalEngine engine, string imagePath, VisualTokenPruningOptions? pruning, string output, CancellationToken cancellationToken)
    {
        VisualTokenSelection selection = await engine.SelectVisualTokensAsync(ImageInput.FromFile(imagePath), pruning, cancellationToken);
        RgbImage image = await ImageDecoder.DecodeFileAsync(imagePath, cancellationToken: cancellationToken);
        RgbImage overlay = Phi3VisionTokenOverlay.Render(image, selection.Layout, selection.KeptRows.ToHashSet());
        await PngEncoder.SaveAsync(overlay, output, cancellationToken);
        Console.Error.WriteLine($"kept tokens drawn to {output} ({selection.KeptRows.Count} of {selection.Layout.NumImageTokens} rows)");
    }

    private static async Task<int> RunAsync(
        string? modelFolder, string[] imagePaths, string question, string? system, GenerationOptions options, string? explainPath, CancellationToken cancellationToken)
    {
        try
        {
            var load = Stopwatch.StartNew();
            if (modelFolder is null)
            {
                Console.Error.WriteLine("No --model given: using the built-in demo model.");
                Console.Error.WriteLine("  random weights: output is gibberish; pass --model <folder> with a real Phi-3.5-vision ONNX folder.");
                modelFolder = DemoModelCache.GetOrCreateDemo();
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

            if (explainPath is not null)
            {
                await ExplainAsync(engine, imagePaths[0], options.Pruning, explainPath, cancellationToken);
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
