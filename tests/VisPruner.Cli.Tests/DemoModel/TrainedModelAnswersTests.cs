using VisPruner.Cli.Evaluation;
using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;
using VisPruner.Imaging.Png;
using VisPruner.Scenes;

namespace VisPruner.Cli.Tests.DemoModel;

/// <summary>
/// The trained demo model answers fixed held-out scenes (seed 2, Fashion-MNIST test images only) correctly through the
/// real engine, both with every visual token and with VisPruner keeping 64 per image. The expected answers come from the
/// scenes themselves; the cases are ones the model answered right in an evaluation run, so a failure means the model,
/// the folder or the pipeline changed.
/// </summary>
public sealed class TrainedModelAnswersTests(TrainedModelFolder model) : IClassFixture<TrainedModelFolder>, IAsyncLifetime
{
    private static readonly FashionMnist Images = SceneSets.TestImages(null);
    private static readonly SceneRecipe Recipe = new(Images, SceneSets.HeldOutSeed);
    private MultimodalEngine? _engine;

    // scene, template, argument (item or cell). Colour questions: the model answers these from the image (its count,
    // presence and cell answers are mostly its priors, see the README's evaluation).
    public static TheoryData<int, string, string> Cases => new()
    {
        { 9, "Colour", "sandal" },
        { 16, "Colour", "sneaker" },
        { 21, "Colour", "t-shirt" },
        { 30, "Colour", "coat" },
        { 62, "Colour", "sneaker" },
    };

    public async Task InitializeAsync() => _engine = await MultimodalEngine.LoadAsync(model.Path);

    public Task DisposeAsync()
    {
        _engine?.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Answers_a_held_out_scene_unpruned_and_at_64_tokens(int sceneIndex, string template, string argument)
    {
        Scene scene = Recipe.Generate(sceneIndex);
        (string question, string answer) = Ask(scene, Enum.Parse<QuestionType>(template), argument);
        ImageInput image = ImageInput.FromBytes(PngEncoder.EncodeToBytes(SceneRenderer.Render(scene, Images)));
        foreach (VisualTokenPruningOptions pruning in new[] { VisualTokenPruningOptions.Disabled, new VisualTokenPruningOptions { TokensPerImage = 64 } })
        {
            GenerationResult result = await _engine!.CompleteAsync(new GenerationRequest(
                [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart(question)])],
                [image],
                new GenerationOptions { MaxNewTokens = 32, Pruning = pruning }));
            Assert.True(AnswerMatch.IsMatch(result.Text, answer), $"scene {sceneIndex}, '{question}' with {result.Statistics.VisualTokens} visual tokens: '{result.Text}', expected '{answer}'.");
        }
    }

    private static (string Question, string Answer) Ask(Scene scene, QuestionType template, string argument)
    {
        int Item() => FashionMnist.ClassNames.ToList().IndexOf(argument) is int id and >= 0 ? id : throw new ArgumentException($"'{argument}' is no item.", nameof(argument));
        return template switch
        {
            QuestionType.Count => QuestionTemplates.Count(scene, Item()),
            QuestionType.Presence => QuestionTemplates.Presence(scene, Item()),
            QuestionType.Cell => QuestionTemplates.Cell(scene, Scene.CellNames.ToList().IndexOf(argument)),
            QuestionType.Colour => QuestionTemplates.Colour(scene, Item()),
            QuestionType.Inventory => QuestionTemplates.Picture(scene),
            _ => throw new ArgumentException($"No template {template}.", nameof(template)),
        };
    }
}
