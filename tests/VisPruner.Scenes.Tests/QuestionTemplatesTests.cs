
namespace VisPruner.Scenes.Tests;

public sealed class QuestionTemplatesTests
{
    private static readonly FashionMnist TestImages = SceneSets.TestImages(null);

    [Theory]
    [InlineData("dress", "dresses")]
    [InlineData("ankle boot", "ankle boots")]
    [InlineData("t-shirt", "t-shirts")]
    [InlineData("trouser", "trousers")]
    public void Plurals(string item, string plural) => Assert.Equal(plural, QuestionTemplates.Plural(item));

    [Theory]
    [InlineData("How many sandals are there?", "Count")]
    [InlineData("Is there a bag?", "Presence")]
    [InlineData("What is in the top-left cell?", "Cell")]
    [InlineData("What colour is the coat?", "Colour")]
    [InlineData("What is in this picture?", "Inventory")]
    [InlineData("Why is the sky blue?", "Other")]
    public void Questions_are_classified_by_template(string question, string type) =>
        Assert.Equal(Enum.Parse<QuestionType>(type), QuestionTemplates.Classify(question));

    [Fact]
    public void Answers_follow_from_the_scene()
    {
        var recipe = new SceneRecipe(TestImages, SceneSets.HeldOutSeed);
        for (int index = 0; index < 50; index++)
        {
            Scene scene = recipe.Generate(index);
            foreach ((string question, string answer) in QuestionSampler.Sample(scene, recipe.QuestionRandom(index), rounds: 3))
            {
                switch (QuestionTemplates.Classify(question))
                {
                    case QuestionType.Count:
                        int classId = ClassIn(question);
                        Assert.Equal(scene.Items.Count(i => i.ClassId == classId).ToString(System.Globalization.CultureInfo.InvariantCulture), answer);
                        break;
                    case QuestionType.Presence:
                        Assert.Equal(scene.Items.Any(i => i.ClassId == ClassIn(question)) ? "yes" : "no", answer);
                        break;
                    case QuestionType.Cell:
                        int cell = Enumerable.Range(0, 9).Single(c => question == $"What is in the {Scene.CellNames[c]} cell?");
                        Assert.Equal(scene.Items.SingleOrDefault(i => i.Cell == cell)?.ClassName ?? QuestionTemplates.Nothing, answer);
                        break;
                    case QuestionType.Colour:
                        SceneItem only = Assert.Single(scene.Items, i => i.ClassId == ClassIn(question));
                        Assert.Equal(only.Colour.Name(), answer);
                        break;
                    case QuestionType.Inventory:
                        string[] names = answer.Split(", ");
                        Assert.Equal(names.Order(StringComparer.Ordinal), names);
                        Assert.Equal(scene.Items.Select(i => i.ClassName).Distinct().Order(StringComparer.Ordinal), names);
                        break;
                    default:
                        Assert.Fail($"'{question}' follows no template.");
                        break;
                }
            }
        }
    }

    [Fact]
    public void A_colour_question_about_a_repeated_item_is_refused()
    {
        var recipe = new SceneRecipe(TestImages, SceneSets.HeldOutSeed);
        Scene scene = Enumerable.Range(0, 500).Select(recipe.Generate).First(s => s.Items.GroupBy(i => i.ClassId).Any(g => g.Count() > 1));
        int repeated = scene.Items.GroupBy(i => i.ClassId).First(g => g.Count() > 1).Key;
        Assert.Throws<ArgumentException>(() => QuestionTemplates.Colour(scene, repeated));
    }

    // The longest class name first: "t-shirt" must not match inside another name.
    private static int ClassIn(string question) =>
        Enumerable.Range(0, FashionMnist.ClassNames.Count).OrderByDescending(c => FashionMnist.ClassNames[c].Length)
            .First(c => question.Contains(" " + FashionMnist.ClassNames[c], StringComparison.Ordinal) || question.Contains(" " + QuestionTemplates.Plural(FashionMnist.ClassNames[c]), StringComparison.Ordinal));
}
