using System.Text.Json;
using VisPruner.Scenes;

namespace VisPruner.Cli.Evaluation;

/// <summary>
/// An evaluation set: a folder of images plus <c>questions.jsonl</c>, one <c>{"image": "...", "question": "...",
/// "answer": "..."}</c> object per line (image paths relative to the folder; other fields are ignored).
/// </summary>
/// <param name="Folder">The folder.</param>
/// <param name="Questions">The questions, in file order.</param>
internal sealed record QuestionSet(string Folder, IReadOnlyList<SceneQuestion> Questions)
{
    /// <summary>Reads and checks a set.</summary>
    /// <param name="folder">The folder.</param>
    /// <returns>The set.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException"><c>questions.jsonl</c> is missing.</exception>
    /// <exception cref="InvalidDataException">A line is malformed or names a missing image (the message gives the line number), or the file holds no question.</exception>
    public static QuestionSet Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The data folder '{folder}' does not exist.");
        }

        string path = Path.Combine(folder, SceneSetWriter.QuestionsFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The data folder '{folder}' has no {SceneSetWriter.QuestionsFile}.", path);
        }

        var questions = new List<SceneQuestion>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Trim().Length > 0)
            {
                questions.Add(Parse(line, $"{SceneSetWriter.QuestionsFile} line {number}", folder));
            }
        }

        return questions.Count > 0 ? new QuestionSet(folder, questions) : throw new InvalidDataException($"{path} holds no question.");
    }

    private static SceneQuestion Parse(string line, string where, string folder)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{where}: expected a JSON object with \"image\", \"question\" and \"answer\".");
            }

            string image = Field(document.RootElement, "image", where);
            if (!File.Exists(Path.Combine(folder, image)))
            {
                throw new InvalidDataException($"{where}: image '{image}' not found in '{folder}'.");
            }

            return new SceneQuestion(image, Field(document.RootElement, "question", where), Field(document.RootElement, "answer", where));
        }
    }

    private static string Field(JsonElement item, string name, string where) =>
        item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new InvalidDataException($"{where}: \"{name}\" must be a non-empty string.");
}
