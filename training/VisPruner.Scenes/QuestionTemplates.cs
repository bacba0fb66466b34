using System.Globalization;
using System.Text.RegularExpressions;

namespace VisPruner.Scenes;

/// <summary>The fixed question templates: their wording, their answers for a scene, and which template a text follows.</summary>
public static partial class QuestionTemplates
{
    /// <summary>The answer to a cell question when the cell is empty.</summary>
    public const string Nothing = "nothing";

    /// <summary>The inventory question.</summary>
    public const string Inventory = "What is in this picture?";

    /// <summary>Gets the plural the count question uses ("dresses", "ankle boots").</summary>
    public static string Plural(string item) => item.EndsWith('s') ? item + "es" : item + "s";

    /// <summary>"How many {item}s are there?" and its answer, a digit.</summary>
    public static (string Question, string Answer) Count(Scene scene, int classId) =>
        ($"How many {Plural(FashionMnist.ClassNames[classId])} are there?",
         scene.Items.Count(i => i.ClassId == classId).ToString(CultureInfo.InvariantCulture));

    /// <summary>"Is there a {item}?" and its answer, yes or no.</summary>
    public static (string Question, string Answer) Presence(Scene scene, int classId) =>
        ($"Is there a {FashionMnist.ClassNames[classId]}?", scene.Items.Any(i => i.ClassId == classId) ? "yes" : "no");

    /// <summary>"What is in the {cell} cell?" and its answer, an item name or <see cref="Nothing"/>.</summary>
    public static (string Question, string Answer) Cell(Scene scene, int cell) =>
        ($"What is in the {Scene.CellNames[cell]} cell?", scene.Items.FirstOrDefault(i => i.Cell == cell)?.ClassName ?? Nothing);

    /// <summary>"What colour is the {item}?" and its answer; only for an item that occurs once.</summary>
    /// <exception cref="ArgumentException">The scene does not hold exactly one such item.</exception>
    public static (string Question, string Answer) Colour(Scene scene, int classId)
    {
        SceneItem[] matches = [.. scene.Items.Where(i => i.ClassId == classId)];
        return matches.Length == 1
            ? ($"What colour is the {FashionMnist.ClassNames[classId]}?", matches[0].Colour.Name())
            : throw new ArgumentException($"A colour question needs exactly one {FashionMnist.ClassNames[classId]}; the scene has {matches.Length}.", nameof(classId));
    }

    /// <summary>"What is in this picture?" and its answer: the item names, alphabetical, comma-separated, each once.</summary>
    public static (string Question, string Answer) Picture(Scene scene) =>
        (Inventory, string.Join(", ", scene.Items.Select(i => i.ClassName).Distinct().Order(StringComparer.Ordinal)));

    /// <summary>Gets the template <paramref name="question"/> follows.</summary>
    public static QuestionType Classify(string question) => question switch
    {
        Inventory => QuestionType.Inventory,
        _ when CountPattern().IsMatch(question) => QuestionType.Count,
        _ when PresencePattern().IsMatch(question) => QuestionType.Presence,
        _ when CellPattern().IsMatch(question) => QuestionType.Cell,
        _ when ColourPattern().IsMatch(question) => QuestionType.Colour,
        _ => QuestionType.Other,
    };

    [GeneratedRegex(@"^How many .+ are there\?$")]
    private static partial Regex CountPattern();

    [GeneratedRegex(@"^Is there an? .+\?$")]
    private static partial Regex PresencePattern();

    [GeneratedRegex(@"^What is in the .+ cell\?$")]
    private static partial Regex CellPattern();

    [GeneratedRegex(@"^What colou?r is the .+\?$")]
    private static partial Regex ColourPattern();
}
