using System.CommandLine;
using VisPruner.DemoModels;

namespace VisPruner.Scenes;

/// <summary>The <c>scenes</c> command: writes a scene set (images, questions, scene descriptions) from the recipe.</summary>
internal static class ScenesCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "The folder to write (images/, questions.jsonl, scenes.jsonl).", Required = true };
        var split = new Option<string>("--split") { Description = "train (Fashion-MNIST training images, seed 1) or test (test images only, seed 2).", DefaultValueFactory = _ => "test" };
        var count = new Option<int>("--count") { Description = "Number of scenes.", DefaultValueFactory = _ => SceneSets.HeldOutScenes };
        var seed = new Option<int?>("--seed") { Description = "The set's seed (default: 1 for train, 2 for test)." };
        var rounds = new Option<int>("--rounds") { Description = "Questions per template and scene.", DefaultValueFactory = _ => SceneSets.HeldOutRounds };
        var fashionMnist = new Option<string?>("--fashion-mnist") { Description = "Folder with Fashion-MNIST's IDX files (train-* for train; default for test: the bundled test subset)." };
        var command = new Command("scenes", "Write a set of Fashion-MNIST scenes with questions and answers.") { output, split, count, seed, rounds, fashionMnist };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(output)!, parse.GetValue(split)!, parse.GetValue(count), parse.GetValue(seed), parse.GetValue(rounds), parse.GetValue(fashionMnist), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string output, string split, int count, int? seed, int rounds, string? fashionMnist, CancellationToken cancellationToken)
    {
        try
        {
            FashionMnist source = split switch
            {
                "train" => FashionMnist.LoadFolder(fashionMnist ?? throw new ArgumentException("--split train needs --fashion-mnist <folder with train-images-idx3-ubyte(.gz)>."), "train"),
                "test" => SceneSets.TestImages(fashionMnist),
                _ => throw new ArgumentException($"--split must be train or test, not '{split}'."),
            };
            var recipe = new SceneRecipe(source, seed ?? (split == "train" ? SceneSets.TrainSeed : SceneSets.HeldOutSeed));
            using var bar = new ProgressBar(Console.Error, "scenes", count);
            await SceneSetWriter.WriteAsync(output, recipe, count, rounds, bar, cancellationToken);
            bar.Complete();
            if (split == "train")
            {
                // The training script tokenizes with exactly the tokenizer the built model folders carry.
                TinyPhi3VisionModel.WriteTokenizerFiles(output);
            }

            Console.Error.WriteLine($"{count} scenes written to {output}");
            return 0;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }
}
