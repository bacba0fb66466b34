using System.Drawing;
using System.Globalization;
using System.Text.Json;
using VisPruner.Imaging.Png;

namespace VisPruner.Scenes;

/// <summary>
/// Writes a scene set: <c>images/scene-NNNNN.png</c>, <c>questions.jsonl</c> (one <c>{"image", "question", "answer"}</c>
/// per line, the format <c>eval --data</c> reads) and <c>scenes.jsonl</c> (each scene's size, background and items
/// with their boxes, for training and for attention checks).
/// </summary>
public static class SceneSetWriter
{
    /// <summary>The question file's name.</summary>
    public const string QuestionsFile = "questions.jsonl";

    /// <summary>The scene description file's name.</summary>
    public const string ScenesFile = "scenes.jsonl";

    /// <summary>Writes scenes 0..<paramref name="count"/>-1 of <paramref name="recipe"/> into <paramref name="folder"/>.</summary>
    /// <param name="folder">The destination (created if needed; files of the same names are replaced).</param>
    /// <param name="recipe">The recipe and its seed.</param>
    /// <param name="count">Number of scenes.</param>
    /// <param name="rounds">Questions per template and scene (see <see cref="QuestionSampler"/>).</param>
    /// <param name="progress">Told the number of scenes written so far.</param>
    /// <param name="cancellationToken">Checked between scenes.</param>
    public static async Task WriteAsync(string folder, SceneRecipe recipe, int count, int rounds, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        await using var questions = new StreamWriter(Path.Combine(folder, QuestionsFile));
        await using var scenes = new StreamWriter(Path.Combine(folder, ScenesFile));
        for (int index = 0; index < count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Scene scene = recipe.Generate(index);
            string image = string.Create(CultureInfo.InvariantCulture, $"images/scene-{index:D5}.png");
            await PngEncoder.SaveAsync(SceneRenderer.Render(scene, recipe.Source), Path.Combine(folder, image), cancellationToken);
            foreach ((string question, string answer) in QuestionSampler.Sample(scene, recipe.QuestionRandom(index), rounds))
            {
                await questions.WriteLineAsync(JsonSerializer.Serialize(new { image, question, answer }));
            }

            await scenes.WriteLineAsync(Describe(image, scene));
            progress?.Report(index + 1);
        }
    }

    private static string Describe(string image, Scene scene) => JsonSerializer.Serialize(new
    {
        image,
        width = scene.Width,
        height = scene.Height,
        background = scene.Background.Name,
        items = scene.Items.Select(item => new
        {
            @class = item.ClassName,
            colour = item.Colour.Name(),
            cell = Scene.CellNames[item.Cell],
            square = Box(item.Square),
            box = Box(item.Box),
            source = item.Source,
        }),
    });

    private static int[] Box(Rectangle r) => [r.X, r.Y, r.Width, r.Height];
}
