using System.CommandLine;
using Microsoft.Extensions.AI;
using VisPruner.Cli.Models;
using VisPruner.Engine.Pruning;
using VisPruner.Extensions.AI;

namespace VisPruner.Cli.Chat;

/// <summary>The default command: ask a question about one or more images and stream the answer.</summary>
internal static class ChatCommand
{
    public static RootCommand Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "A model folder prepared for ONNX Runtime GenAI (e.g. Phi-3.5-vision-instruct-onnx cpu-int4); its genai_config.json says the family (phi3v, phi4mm or gemma3). Without it or --demo, the trained phi3v demo model runs: a small model trained on Fashion-MNIST scenes." };
        var demo = ModelChoice.DemoOption("Run the built-in demo model of this family, written to the cache on first use (phi4mm and gemma3 have random weights: their answers are not meaningful).");
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
            model, demo, images, prompt, system, maxTokens, temperature, topP, seed, tokens, selector, ratio, explain,
        };
        root.SetAction((parse, cancellationToken) =>
        {
            // Pruning is chosen per request, like any other chat option: the client reads its vispruner.* properties.
            var options = new ChatOptions
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
                options.AdditionalProperties[VisPrunerPropertyNames.TokensPerImage] = perImage;
            }

            var question = new ImageQuestion(parse.GetValue(images)!, parse.GetValue(prompt)!, parse.GetValue(system), options);
            return ChatRun.RunAsync(parse.GetValue(model), parse.GetValue(demo), question, parse.GetValue(explain), cancellationToken);
        });
        return root;
    }
}
