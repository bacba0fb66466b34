namespace VisPruner.Scenes;

/// <summary>The question templates of the scenes, one per kind.</summary>
public enum QuestionType
{
    /// <summary>"How many {item}s are there?" -> a digit.</summary>
    Count,

    /// <summary>"Is there a {item}?" -> yes / no.</summary>
    Presence,

    /// <summary>"What is in the {cell} cell?" -> an item name or "nothing".</summary>
    Cell,

    /// <summary>"What colour is the {item}?" (only when that item occurs once) -> a colour name.</summary>
    Colour,

    /// <summary>"What is in this picture?" -> the item names, alphabetical, comma-separated, each once.</summary>
    Inventory,

    /// <summary>A question that matches no template (from a foreign data set).</summary>
    Other,
}

/// <summary>A question about an image and its expected short answer.</summary>
/// <param name="Image">The image path, relative to the data set's folder.</param>
/// <param name="Question">The question.</param>
/// <param name="Answer">The expected answer.</param>
public sealed record SceneQuestion(string Image, string Question, string Answer)
{
    /// <summary>Gets the template the question follows.</summary>
    public QuestionType Type => QuestionTemplates.Classify(Question);
}
