using VisPruner.Cli.Evaluation;

namespace VisPruner.Cli.Tests.Evaluation;

public sealed class QuestionSetTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vispruner-questions-" + Guid.NewGuid().ToString("N"));

    public QuestionSetTests()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllBytes(Path.Combine(_folder, "a.png"), [1]);
    }

    [Fact]
    public void Reads_questions_skipping_blank_lines_and_extra_fields()
    {
        Write("{\"image\": \"a.png\", \"question\": \"Is there a bag?\", \"answer\": \"yes\", \"type\": \"presence\"}", "", "{\"image\": \"a.png\", \"question\": \"Q?\", \"answer\": \"no\"}");
        QuestionSet set = QuestionSet.Load(_folder);
        Assert.Equal(2, set.Questions.Count);
        Assert.Equal(("a.png", "Is there a bag?", "yes"), (set.Questions[0].Image, set.Questions[0].Question, set.Questions[0].Answer));
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        string missing = Path.Combine(_folder, "nope");
        var error = Assert.Throws<DirectoryNotFoundException>(() => QuestionSet.Load(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_questions_jsonl_is_refused() =>
        Assert.Contains("questions.jsonl", Assert.Throws<FileNotFoundException>(() => QuestionSet.Load(_folder)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("{\"image\": \"a.png\", \"question\": \"Q?\"", "line 2: not valid JSON")]
    [InlineData("[1, 2]", "line 2: expected a JSON object")]
    [InlineData("{\"image\": \"a.png\", \"question\": \"Q?\"}", "line 2: \"answer\" must be a non-empty string")]
    [InlineData("{\"image\": \"a.png\", \"question\": 3, \"answer\": \"x\"}", "line 2: \"question\" must be a non-empty string")]
    [InlineData("{\"image\": \"b.png\", \"question\": \"Q?\", \"answer\": \"x\"}", "line 2: image 'b.png' not found")]
    public void A_malformed_line_is_named_by_its_number(string line, string message)
    {
        Write("{\"image\": \"a.png\", \"question\": \"Q?\", \"answer\": \"no\"}", line);
        Assert.Contains(message, Assert.Throws<InvalidDataException>(() => QuestionSet.Load(_folder)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        Write("", "  ");
        Assert.Contains("holds no question", Assert.Throws<InvalidDataException>(() => QuestionSet.Load(_folder)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Yes", "yes", true)]
    [InlineData("  ankle   boot, bag ", "ankle boot, bag", true)]
    [InlineData("ankle boot,bag", "ankle boot, bag", false)]
    [InlineData("no", "yes", false)]
    public void Answers_match_ignoring_case_and_whitespace(string given, string expected, bool match) =>
        Assert.Equal(match, AnswerMatch.IsMatch(given, expected));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Write(params string[] lines) => File.WriteAllLines(Path.Combine(_folder, "questions.jsonl"), lines);
}
