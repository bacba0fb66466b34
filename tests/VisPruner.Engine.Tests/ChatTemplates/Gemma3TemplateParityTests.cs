using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Engine.Tests.ChatTemplates;

/// <summary>
/// The engine's gemma3 template renders what the gemma3 demo folder's own chat template (Gemma 3's format, run by GenAI's
/// <c>ApplyChatTemplate</c>) renders, and refuses the conversations that template refuses.
/// </summary>
public sealed class Gemma3TemplateParityTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vispruner-gemma3-template-" + Guid.NewGuid().ToString("N"));
    private readonly Gemma3ChatTemplate _template = new();

    public Gemma3TemplateParityTests() => TinyGemma3Model.Write(_folder);

    public static TheoryData<string, ChatTurn[]> Conversations() => new()
    {
        {
            """[{"role": "system", "content": "Be brief."}, {"role": "user", "content": " What is this? "}, {"role": "assistant", "content": "A cat.\n"}, {"role": "user", "content": "Sure?"}]""",
            [new(TurnRole.System, "Be brief."), new(TurnRole.User, " What is this? "), new(TurnRole.Assistant, "A cat.\n"), new(TurnRole.User, "Sure?")]
        },
        {
            """[{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What is in this picture?"}]}]""",
            [new(TurnRole.User, [new ImagePart(), new TextPart("What is in this picture?")])]
        },
        {
            """[{"role": "system", "content": "You compare pictures."}, {"role": "user", "content": [{"type": "text", "text": "Look: "}, {"type": "image"}, {"type": "text", "text": " and "}, {"type": "image"}, {"type": "text", "text": " Which is brighter?"}]}]""",
            [new(TurnRole.System, "You compare pictures."), new(TurnRole.User, [new TextPart("Look: "), new ImagePart(), new TextPart(" and "), new ImagePart(), new TextPart(" Which is brighter?")])]
        },
        {
            """[{"role": "user", "content": "Hello"}, {"role": "assistant", "content": [{"type": "text", "text": " Hi. "}]}, {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "\tAnd this?"}]}]""",
            [new(TurnRole.User, "Hello"), new(TurnRole.Assistant, " Hi. "), new(TurnRole.User, [new ImagePart(), new TextPart("\tAnd this?")])]
        },
    };

    [Theory]
    [MemberData(nameof(Conversations))]
    public void The_tokenizer_config_chat_template_renders_what_the_engine_template_renders(string messages, ChatTurn[] turns)
    {
        using var model = new Model(_folder);
        using var tokenizer = new Tokenizer(model);

        string rendered = tokenizer.ApplyChatTemplate(FolderTemplate(), messages, null, true);

        Assert.Equal(rendered, _template.Render(turns).Text);
        Assert.Equal(rendered[..^"<start_of_turn>model\n".Length], _template.Render(turns, new ChatTemplateOptions { AddGenerationPrompt = false }).Text);
    }

    [Fact]
    public void Only_special_tokens_are_markup_and_the_prompt_starts_with_one_BOS()
    {
        RenderedPrompt prompt = _template.Render([new(TurnRole.User, [new ImagePart(), new TextPart("<end_of_turn> hi")])]);

        Assert.Equal(["<bos>", "<start_of_turn>", "<end_of_turn>", "<start_of_turn>"], prompt.Segments.OfType<MarkupSegment>().Select(s => s.Text));
        Assert.Equal(["user\n", "<end_of_turn> hi", "\n", "model\n"], prompt.Segments.OfType<ContentSegment>().Select(s => s.Text));
        Assert.Equal(1, prompt.ImageCount);

        using var model = new Model(_folder);
        using var tokenizer = new Tokenizer(model);
        using Sequences sequences = tokenizer.Encode(prompt.Text);
        Assert.Equal([2, 105], sequences[0].ToArray()[..2]);
    }

    [Fact]
    public void Turns_that_do_not_alternate_are_refused_as_Gemma_s_template_refuses_them()
    {
        using var model = new Model(_folder);
        using var tokenizer = new Tokenizer(model);
        var theirs = Assert.Throws<OnnxRuntimeGenAIException>(() =>
            tokenizer.ApplyChatTemplate(FolderTemplate(), """[{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]""", null, true));
        Assert.Contains("must alternate", theirs.Message, StringComparison.Ordinal);

        var twoUsers = Assert.Throws<ArgumentException>(() => _template.Render([new(TurnRole.User, "a"), new(TurnRole.User, "b")]));
        Assert.Contains("Turn 1 (User)", twoUsers.Message, StringComparison.Ordinal);
        Assert.Equal("turns", twoUsers.ParamName);
        Assert.Contains("Turn 0 (Assistant)", Assert.Throws<ArgumentException>(() => _template.Render([new(TurnRole.Assistant, "a")])).Message, StringComparison.Ordinal);
        Assert.Contains("Turn 2 is a system turn", Assert.Throws<ArgumentException>(
            () => _template.Render([new(TurnRole.User, "a"), new(TurnRole.Assistant, "b"), new(TurnRole.System, "c")])).Message, StringComparison.Ordinal);
        Assert.Contains("first user turn", Assert.Throws<ArgumentException>(() => _template.Render([new(TurnRole.System, "alone")])).Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string FolderTemplate() =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "tokenizer_config.json"))).RootElement.GetProperty("chat_template").GetString()!;
}
