using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using VisPruner.DemoModels;
using VisPruner.Extensions.AI;
using VisPruner.SemanticKernel;
using VisPruner.Engine;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;
using VisPruner.Imaging;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.Imaging.Png;

namespace VisPruner.Cli.Chat;

/// <summary>The main command: ask a question about one or more images and stream the answer.</summary>
internal static class ChatCommand
{
    public static RootCommand Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "A model folder prepared for ONNX Runtime GenAI (e.g. Phi-3.5-vision-instruct-onnx cpu-int4). Without it, the built-in demo model runs: a small model trained on Fashion-MNIST scenes." };
        var images = new Option<string[]>("--image", "-i") { Description = "An image file (PNG, JPEG, BMP, WebP, GIF or ICO); repeat for several.", Required = true };
        var prompt = new Option<string>("--prompt", "-p") { Description = "The question.", DefaultValueFactory = _ => "What is in this picture?" };
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
        root.SetAction((parse, cancellationToken) =>
        {
            var chatOptions = new ChatOptions
            {
                MaxOutputTokens = parse.GetValue(maxTokens),
                Temperature = (float?)parse.GetValue(temperature),
                TopP = (float?)parse.GetValue(topP),
                Seed = parse.GetValue(seed),
                AdditionalProperties = new AdditionalPropertiesDictionary
                {
                    [VisPrunerPropertyNames.Selector] = parse.GetValue(selector),
                    [VisPrunerPropertyNames.ImportantRatio] = parse.GetValue(ratio),
                },
            };
            if (parse.GetValue(tokens) is int perImage)
            {
                chatOptions.AdditionalProperties[VisPrunerPropertyNames.TokensPerImage] = perImage;
            }

            return RunAsync(parse.GetValue(model), parse.GetValue(images)!, parse.GetValue(prompt)!, parse.GetValue(system), chatOptions, parse.GetValue(explain), cancellationToken);
        });
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
        string? modelFolder, string[] imagePaths, string question, string? system, ChatOptions chatOptions, string? explainPath, CancellationToken cancellationToken)
    {
        try
        {
            var load = Stopwatch.StartNew();
            if (modelFolder is null)
            {
                Console.Error.WriteLine("No --model given: using the built-in demo model, trained on Fashion-MNIST scenes.");
                Console.Error.WriteLine("  It answers the scene questions of training/README.md; pass --model <folder> for a real Phi-3.5-vision ONNX folder.");
                modelFolder = TrainedDemoModel.GetOrCreateFolder();
            }

            Console.Error.Write($"Loading {modelFolder} ... ");
            // The images named on the command line are the only files the client may read.
            var clientOptions = new VisPrunerChatClientOptions { ModelFolder = modelFolder };
            foreach (string folder in imagePaths.Select(p => Path.GetDirectoryName(Path.GetFullPath(p))!).Distinct())
            {
                clientOptions.AllowedImageFolders.Add(folder);
            }

            using VisPrunerChatClient client = await VisPrunerChatClient.LoadAsync(clientOptions, cancellationToken: cancellationToken);
            Console.Error.WriteLine($"{client.Engine.ModelType}, {load.Elapsed.TotalSeconds:F1} s");

            var messages = new List<ChatMessage>();
            if (system is not null)
            {
                messages.Add(new ChatMessage(ChatRole.System, system));
            }

            messages.Add(new ChatMessage(ChatRole.User, [.. imagePaths.Select(ImageContentOf), new TextContent(question)]));

            var text = new System.Text.StringBuilder();
            GenerationUpdate? final = null;
            await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(messages, chatOptions, cancellationToken))
            {
                Console.Write(update.Text);
                text.Append(update.Text);
                final = update.RawRepresentation as GenerationUpdate ?? final;
            }

            Console.WriteLine();
            if (final is { IsFinal: true })
            {
                StatisticsReport.Write(Console.Error, new GenerationResult(text.ToString(), final.FinishReason!.Value, final.Statistics!));
            }

            if (explainPath is not null)
            {
                // The same pruning the request used: the client's mapping of these options onto the engine's.
                VisualTokenPruningOptions pruning = new()
                {
                    Selector = (VisualTokenSelectorKind)chatOptions.AdditionalProperties![VisPrunerPropertyNames.Selector]!,
                    ImportantRatio = (double)chatOptions.AdditionalProperties[VisPrunerPropertyNames.ImportantRatio]!,
                    TokensPerImage = chatOptions.AdditionalProperties.TryGetValue(VisPrunerPropertyNames.TokensPerImage, out object? perImage) ? (int?)perImage : null,
                };
                await ExplainAsync(client.Engine, imagePaths[0], pruning, explainPath, cancellationToken);
            }

            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ModelFolderException or InvalidImageException or ArgumentException or NotSupportedException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    /// <summary>An image file as a <c>file:</c> URI content, which the client reads when the request runs.</summary>
    private static AIContent ImageContentOf(string path) => new UriContent(
        new Uri(Path.GetFullPath(path)),
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".bmp" => "image/bmp",
            _ => "image/*",
        });
}
